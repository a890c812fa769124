"""API views; `register` adds them to the /api/v1/ router. Tickets are scoped like the pages (access.py); contact
details are masked except through the dispatcher's audited `contact` action."""

from datetime import date

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from gongjian.campaigns.models import Campaign
from gongjian.errors import UserError
from gongjian.frontline import routing_store, selectors, services
from gongjian.frontline.access import can_see_ideas, idea_for, ideas_visible_to, ticket_for, tickets_visible_to
from gongjian.frontline.filters import IdeaFilter, TicketFilter
from gongjian.frontline.models import Category, CategoryAttribute, Idea, Ticket, TicketRequest, Visit
from gongjian.frontline.text import mask_email, mask_name, mask_phone
from gongjian.org.access import get_or_404, has_role, is_office, require, sees_everything
from gongjian.org.models import Grid, Person, Role, Unit


class CategoryAttributeSerializer(serializers.ModelSerializer):
    class Meta:
        model = CategoryAttribute
        fields = ["code", "description", "datatype", "datatype_description", "required", "variable", "order",
                  "values"]


class TicketCategorySerializer(serializers.ModelSerializer):
    attributes = CategoryAttributeSerializer(many=True, read_only=True)

    class Meta:
        model = Category
        fields = ["id", "code", "name", "description", "kind", "group", "keywords", "sign_days", "reply_days",
                  "is_active", "order", "attributes"]


class TicketSerializer(serializers.ModelSerializer):
    category = serializers.SlugRelatedField(slug_field="code", read_only=True)
    text = serializers.CharField(source="masked_text", read_only=True)
    contact_name = serializers.SerializerMethodField()
    contact_phone = serializers.SerializerMethodField()
    contact_email = serializers.SerializerMethodField()
    card_color = serializers.CharField(read_only=True)

    class Meta:
        model = Ticket
        fields = ["id", "code", "category", "text", "attributes", "source", "state", "urgent", "town", "grid",
                  "address", "lat", "lng", "contact_name", "contact_phone", "contact_email", "unit", "received_at",
                  "assigned_at", "sign_due", "reply_due", "signed_at", "replied_at", "public_reply",
                  "extension_days", "redo_count", "visited_at", "resolved", "satisfaction", "closed_at",
                  "merged_into", "task", "risk_level", "responsible_leader", "card_color", "version"]
        read_only_fields = fields

    def get_contact_name(self, ticket) -> str:
        return mask_name(ticket.contact_name)

    def get_contact_phone(self, ticket) -> str:
        return mask_phone(ticket.contact_phone)

    def get_contact_email(self, ticket) -> str:
        return mask_email(ticket.contact_email)


class TicketCreateSerializer(serializers.Serializer):
    category = serializers.SlugRelatedField(slug_field="code", queryset=Category.objects.filter(is_active=True))
    text = serializers.CharField(max_length=4000)
    town = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.filter(kind__in=Unit.AREA_KINDS),
                                              required=False, allow_null=True)
    grid = serializers.PrimaryKeyRelatedField(queryset=Grid.objects.all(), required=False, allow_null=True)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    lat = serializers.FloatField(required=False, allow_null=True, min_value=-90, max_value=90)
    lng = serializers.FloatField(required=False, allow_null=True, min_value=-180, max_value=180)
    contact_name = serializers.CharField(max_length=50, required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    attributes = serializers.DictField(required=False)


class TicketAssignSerializer(serializers.Serializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.filter(is_active=True))
    urgent = serializers.BooleanField(required=False, allow_null=True, default=None)
    category = serializers.SlugRelatedField(slug_field="code", queryset=Category.objects.filter(is_active=True),
                                            required=False, allow_null=True)
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class TicketReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


class TicketExtensionSerializer(serializers.Serializer):
    days = serializers.IntegerField()
    reason = serializers.CharField(max_length=1000)


class TicketNoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class TicketReplySerializer(serializers.Serializer):
    reply = serializers.CharField(max_length=2000)


class TicketVisitSerializer(serializers.Serializer):
    resolved = serializers.BooleanField()
    satisfaction = serializers.ChoiceField(choices=Ticket.Satisfaction.choices)
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class TicketMergeSerializer(serializers.Serializer):
    into = serializers.CharField(max_length=12, help_text="the code of the ticket it repeats")
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class TicketDisputeSerializer(serializers.Serializer):
    risk_level = serializers.ChoiceField(choices=Ticket.Risk.choices)
    responsible_leader = serializers.PrimaryKeyRelatedField(queryset=Person.objects.filter(is_city_leader=True))


class TicketFollowUpSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=1000)
    resolved = serializers.BooleanField(required=False, allow_null=True, default=None)


class TicketContactSerializer(serializers.Serializer):
    contact_name = serializers.CharField()
    contact_phone = serializers.CharField()
    contact_email = serializers.CharField()


class RoutingSuggestionSerializer(serializers.Serializer):
    unit = serializers.IntegerField(source="unit.pk")
    unit_name = serializers.CharField(source="unit.name")
    confidence = serializers.FloatField()


class TicketDuplicateSerializer(serializers.Serializer):
    code = serializers.CharField(source="ticket.code")
    id = serializers.IntegerField(source="ticket.pk")
    score = serializers.FloatField()
    metres = serializers.FloatField(allow_null=True)


class TicketRequestSerializer(serializers.ModelSerializer):
    class Meta:
        model = TicketRequest
        fields = ["id", "ticket", "unit", "kind", "reason", "days", "status", "requested_at", "decided_at", "note"]
        read_only_fields = fields


class TicketDecideSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class CategoryViewSet(viewsets.ReadOnlyModelViewSet):
    """Ticket categories (Open311 services) with their extra attributes."""

    serializer_class = TicketCategorySerializer
    queryset = Category.objects.prefetch_related("attributes")
    filterset_fields = ["kind", "is_active"]


def _ticket_response(ticket: Ticket, code: int = status.HTTP_200_OK) -> Response:
    ticket = Ticket.objects.select_related("category").get(pk=ticket.pk)
    return Response(TicketSerializer(ticket).data, status=code)


class TicketViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """万事有解 tickets. The dispatcher (supervision office) assigns, decides requests, visits and closes; the
    unit holding a ticket signs, asks to return or extend, reports progress and replies; a grid worker reports
    events from his cells and verifies their resolution. Wrong state → 409, out of scope → 404, not yours → 403."""

    serializer_class = TicketSerializer
    filterset_class = TicketFilter

    WRITES = {"assign": "assign", "sign": "handle", "return_": "handle", "extend": "handle",
              "progress": "handle", "reply": "handle", "visit": "verify", "redo": "assign", "close": "assign",
              "merge": "assign", "dispute": "assign", "follow_up": "follow_up", "contact": "assign",
              "suggestions": "assign", "duplicates": "assign"}

    def get_queryset(self):
        return tickets_visible_to(self.request.user).select_related("category").order_by("-received_at", "-id")

    def get_object(self):
        return ticket_for(self.request.user, self.kwargs["pk"], write=self.WRITES.get(self.action))

    def _data(self, serializer_class):
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @extend_schema(request=TicketCreateSerializer, responses={201: TicketSerializer})
    def create(self, request, *args, **kwargs):
        """Phone intake by the dispatcher (source "phone") or a grid event by a grid worker (source "grid")."""
        if is_office(request.user):
            source = Ticket.Source.PHONE
        else:
            require(has_role(request.user, Role.GRID_WORKER))
            source = Ticket.Source.GRID
        data = self._data(TicketCreateSerializer)
        ticket = services.ticket_create(actor=request.user, source=source, **data)
        return _ticket_response(ticket, status.HTTP_201_CREATED)

    @extend_schema(request=TicketAssignSerializer, responses=TicketSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        ticket = self.get_object()
        return _ticket_response(services.ticket_assign(actor=request.user, ticket=ticket,
                                                         **self._data(TicketAssignSerializer)))

    @extend_schema(request=None, responses=TicketSerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        return _ticket_response(services.ticket_sign(actor=request.user, ticket=self.get_object()))

    @extend_schema(request=TicketReasonSerializer, responses={201: TicketRequestSerializer})
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        ticket = self.get_object()
        item = services.ticket_return_request(actor=request.user, ticket=ticket,
                                              reason=self._data(TicketReasonSerializer)["reason"])
        return Response(TicketRequestSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=TicketExtensionSerializer, responses={201: TicketRequestSerializer})
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        ticket = self.get_object()
        data = self._data(TicketExtensionSerializer)
        item = services.ticket_extension_request(actor=request.user, ticket=ticket, days_requested=data["days"],
                                                 reason=data["reason"])
        return Response(TicketRequestSerializer(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=TicketNoteSerializer, responses=TicketSerializer)
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        ticket = self.get_object()
        return _ticket_response(services.ticket_progress(actor=request.user, ticket=ticket,
                                                         note=self._data(TicketNoteSerializer)["note"]))

    @extend_schema(request=TicketReplySerializer, responses=TicketSerializer)
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        ticket = self.get_object()
        return _ticket_response(services.ticket_reply(actor=request.user, ticket=ticket,
                                                      reply=self._data(TicketReplySerializer)["reply"]))

    @extend_schema(request=TicketVisitSerializer, responses=TicketSerializer)
    @action(detail=True, methods=["post"])
    def visit(self, request, pk=None):
        ticket = self.get_object()
        kind = Visit.Kind.CLOSING if is_office(request.user) else Visit.Kind.GRID
        services.ticket_visit(actor=request.user, ticket=ticket, kind=kind, **self._data(TicketVisitSerializer))
        return _ticket_response(ticket)

    @extend_schema(request=TicketReasonSerializer, responses=TicketSerializer)
    @action(detail=True, methods=["post"])
    def redo(self, request, pk=None):
        ticket = self.get_object()
        return _ticket_response(services.ticket_redo(actor=request.user, ticket=ticket,
                                                     reason=self._data(TicketReasonSerializer)["reason"]))

    @extend_schema(request=TicketNoteSerializer, responses=TicketSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        ticket = self.get_object()
        return _ticket_response(services.ticket_close(actor=request.user, ticket=ticket,
                                                      note=self._data(TicketNoteSerializer)["note"]))

    @extend_schema(request=TicketMergeSerializer, responses=TicketSerializer)
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        ticket = self.get_object()
        data = self._data(TicketMergeSerializer)
        into = Ticket.objects.filter(code=data["into"].strip().upper()).first()
        if into is None:
            raise UserError("未找到要并入的工单", "not_found", field="into")
        return _ticket_response(services.ticket_merge(actor=request.user, ticket=ticket, into=into, note=data["note"]))

    @extend_schema(request=TicketDisputeSerializer, responses=TicketSerializer)
    @action(detail=True, methods=["post"])
    def dispute(self, request, pk=None):
        ticket = self.get_object()
        return _ticket_response(services.ticket_set_dispute(actor=request.user, ticket=ticket,
                                                            **self._data(TicketDisputeSerializer)))

    @extend_schema(request=TicketFollowUpSerializer, responses={201: None})
    @action(detail=True, methods=["post"], url_path="follow-up")
    def follow_up(self, request, pk=None):
        ticket = self.get_object()
        visit = services.ticket_follow_up(actor=request.user, ticket=ticket, **self._data(TicketFollowUpSerializer))
        return Response({"visit": visit.pk}, status=status.HTTP_201_CREATED)

    @extend_schema(responses=TicketContactSerializer)
    @action(detail=True, methods=["get"])
    def contact(self, request, pk=None):
        """The citizen's full contact details: the dispatcher only, and every call is audited."""
        return Response(services.ticket_contact(actor=request.user, ticket=self.get_object()))

    @extend_schema(responses=RoutingSuggestionSerializer(many=True))
    @action(detail=True, methods=["get"])
    def suggestions(self, request, pk=None):
        """The top three units for this ticket, with confidence, from the routing model."""
        return Response(RoutingSuggestionSerializer(routing_store.suggest(self.get_object()), many=True).data)

    @extend_schema(responses=TicketDuplicateSerializer(many=True))
    @action(detail=True, methods=["get"])
    def duplicates(self, request, pk=None):
        """疑似重复: same category, within 200 m or the same address, within 7 days, similar text."""
        return Response(TicketDuplicateSerializer(selectors.duplicate_candidates(self.get_object()), many=True).data)


class TicketRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Return (退单) and extension (延期) requests; the dispatcher decides pending ones."""

    serializer_class = TicketRequestSerializer
    filterset_fields = ["status", "kind", "unit"]

    def get_queryset(self):
        return TicketRequest.objects.filter(ticket__in=tickets_visible_to(self.request.user)).order_by("-id")

    @extend_schema(request=TicketDecideSerializer, responses=TicketRequestSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        item = get_or_404(self.get_queryset(), pk)
        require(is_office(request.user))
        serializer = TicketDecideSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = services.request_decide(actor=request.user, request=item, **serializer.validated_data)
        return Response(TicketRequestSerializer(item).data)


class TicketRatesSerializer(serializers.Serializer):
    unit = serializers.IntegerField()
    assigned = serializers.IntegerField()
    signed_on_time = serializers.IntegerField()
    response_rate = serializers.FloatField(allow_null=True)
    visited = serializers.IntegerField()
    resolved = serializers.IntegerField()
    resolution_rate = serializers.FloatField(allow_null=True)
    satisfied = serializers.IntegerField()
    satisfaction_rate = serializers.FloatField(allow_null=True)


class TicketRatesViewSet(viewsets.ViewSet):
    """The three rates per unit for a month (docs/rules.md §6), as assessment reads them."""

    @extend_schema(parameters=[OpenApiParameter("month", str, description="YYYY-MM", required=True)],
                   responses=TicketRatesSerializer(many=True))
    def list(self, request):
        try:
            year, month = (int(x) for x in request.query_params.get("month", "").split("-"))
            first = date(year, month, 1)
        except ValueError:
            raise UserError("「month」须为YYYY-MM", "invalid", field="month") from None
        units = Unit.objects.exclude(kind=Unit.Kind.LEADERSHIP)
        if not sees_everything(request.user):
            units = units.filter(pk=getattr(getattr(request.user, "person", None), "unit_id", None))
        rates = selectors.ticket_rates(list(units.values_list("id", flat=True)), first)
        return Response(TicketRatesSerializer([{"unit": u, **r} for u, r in rates.items()], many=True).data)


class IdeaSerializer(serializers.ModelSerializer):
    proposer_name = serializers.SerializerMethodField()

    class Meta:
        model = Idea
        fields = ["id", "code", "title", "text", "category", "town", "proposer_name", "state", "similar_to",
                  "submitted_at", "public_answer", "decided_at", "task"]
        read_only_fields = fields

    def get_proposer_name(self, idea) -> str:
        return mask_name(idea.proposer_name)


class IdeaCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=100)
    text = serializers.CharField(max_length=4000)
    category = serializers.ChoiceField(choices=Idea.Category.choices)
    town = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.filter(kind__in=Unit.AREA_KINDS),
                                              required=False, allow_null=True)
    confirm_duplicate = serializers.BooleanField(required=False, default=False)


class IdeaMilestoneSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    planned_date = serializers.DateField()


class IdeaAcceptSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=2000)
    campaign = serializers.PrimaryKeyRelatedField(queryset=Campaign.objects.all())
    lead_unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.filter(is_active=True))
    deadline = serializers.DateField()
    milestones = IdeaMilestoneSerializer(many=True)
    task_title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    points = serializers.IntegerField(required=False, default=services.ACCEPT_POINTS)
    lead_leader = serializers.PrimaryKeyRelatedField(queryset=Person.objects.filter(is_city_leader=True),
                                                     required=False, allow_null=True, default=None)
    indicator = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    indicator_unit = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    target_value = serializers.DecimalField(max_digits=18, decimal_places=2, required=False, allow_null=True,
                                            default=None)


class IdeaAnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=2000)


class IdeaPointsSerializer(serializers.Serializer):
    points = serializers.IntegerField()
    reason = serializers.CharField(max_length=200)


class IdeaViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Golden ideas (金点子): staff submit them too; the office evaluates, answers publicly, adopts as tasks."""

    serializer_class = IdeaSerializer
    filterset_class = IdeaFilter

    def get_queryset(self):
        return ideas_visible_to(self.request.user).order_by("-submitted_at", "-id")

    def get_object(self):
        return idea_for(self.request.user, self.kwargs["pk"], write=self.action in ("evaluate", "reject", "accept",
                                                                                     "points"))

    @extend_schema(request=IdeaCreateSerializer, responses={201: IdeaSerializer})
    def create(self, request, *args, **kwargs):
        require(can_see_ideas(request.user))
        serializer = IdeaCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        idea = services.idea_submit(actor=request.user, **serializer.validated_data)
        return Response(IdeaSerializer(idea).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=IdeaSerializer)
    @action(detail=True, methods=["post"])
    def evaluate(self, request, pk=None):
        return Response(IdeaSerializer(services.idea_evaluate(actor=request.user, idea=self.get_object())).data)

    @extend_schema(request=IdeaAnswerSerializer, responses=IdeaSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        idea = self.get_object()
        serializer = IdeaAnswerSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(IdeaSerializer(services.idea_reject(actor=request.user, idea=idea,
                                                            **serializer.validated_data)).data)

    @extend_schema(request=IdeaAcceptSerializer, responses=IdeaSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        idea = self.get_object()
        serializer = IdeaAcceptSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data["milestones"] = [(m["title"], m["planned_date"]) for m in data["milestones"]]
        return Response(IdeaSerializer(services.idea_accept(actor=request.user, idea=idea, **data)).data)

    @extend_schema(request=IdeaPointsSerializer, responses={201: None})
    @action(detail=True, methods=["post"])
    def points(self, request, pk=None):
        idea = self.get_object()
        serializer = IdeaPointsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entry = services.idea_points_award(actor=request.user, idea=idea, **serializer.validated_data)
        return Response({"entry": entry.pk}, status=status.HTTP_201_CREATED)


def register(router) -> None:
    router.register("ticket-categories", CategoryViewSet, basename="ticket-category")
    router.register("tickets", TicketViewSet, basename="ticket")
    router.register("ticket-requests", TicketRequestViewSet, basename="ticket-request")
    router.register("ticket-rates", TicketRatesViewSet, basename="ticket-rate")
    router.register("ideas", IdeaViewSet, basename="idea")
