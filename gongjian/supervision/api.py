"""API views; `register` adds them to the /api/v1/ router. Scoped exactly like the pages (supervision.access)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from gongjian import clock
from gongjian.campaigns.access import task_for
from gongjian.campaigns.models import Campaign
from gongjian.org.access import is_office, require
from gongjian.org.models import Unit
from gongjian.supervision import selectors, services
from gongjian.supervision.access import (
    blocker_for,
    blockers_visible_to,
    can_read_rules,
    cards_visible_to,
    notice_for,
    notices_visible_to,
)
from gongjian.supervision.forms import BlockerFilter, CardFilter, NoticeFilter
from gongjian.supervision.models import Blocker, Card, Notice, Rule
from gongjian.supervision.rules import default_rules, rule_names


class FindingSerializer(serializers.Serializer):
    rule = serializers.CharField()
    rule_name = serializers.SerializerMethodField()
    color = serializers.CharField()
    message = serializers.CharField()
    facts = serializers.DictField()

    def get_rule_name(self, obj) -> str:
        return selectors.RULE_LABELS.get(obj["rule"], obj["rule"])


class CardSerializer(serializers.ModelSerializer):
    date = serializers.SerializerMethodField()
    task_title = serializers.CharField(source="task.title", read_only=True)
    lead_unit = serializers.IntegerField(source="task.lead_unit_id", read_only=True)
    color_label = serializers.CharField(source="get_color_display", read_only=True)
    findings = FindingSerializer(many=True, read_only=True)

    class Meta:
        model = Card
        fields = ["id", "task", "task_title", "lead_unit", "date", "color", "color_label", "overridden", "findings"]

    @extend_schema_field(OpenApiTypes.DATE)
    def get_date(self, obj) -> str:
        """The day asked for; a card fetched by id is dated by its span's last day (today while it stands)."""
        day = getattr(obj, "date", None) or obj.valid_until or max(obj.valid_from, clock.today())
        return day.isoformat()


class NoticeSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = Notice
        fields = ["id", "kind", "kind_label", "task", "blocker", "unit", "leader", "rule", "reason", "issued_on",
                  "state", "state_label", "acknowledged_at", "reply", "replied_at", "interview_held_on",
                  "interview_with", "interview_notes"]
        read_only_fields = fields


class ReplySerializer(serializers.Serializer):
    reply = serializers.CharField(max_length=3000)


class InterviewSerializer(serializers.Serializer):
    held_on = serializers.DateField()
    held_with = serializers.CharField(max_length=200)
    notes = serializers.CharField(max_length=3000)


class BlockerSerializer(serializers.ModelSerializer):
    category_label = serializers.CharField(source="get_category_display", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Blocker
        fields = ["id", "task", "category", "category_label", "description", "responsible_unit", "raised_by",
                  "raised_unit", "raised_on", "due_on", "level", "state", "state_label", "overdue", "resolution",
                  "resolved_on", "closed_on"]
        read_only_fields = fields

    def get_overdue(self, obj) -> bool:
        return obj.is_overdue_on(clock.today())


class BlockerCreateSerializer(serializers.Serializer):
    # An id, not a related field: a task outside the caller's scope must answer 404, exactly like a missing one.
    task = serializers.IntegerField()
    category = serializers.ChoiceField(choices=Blocker.Category.choices)
    description = serializers.CharField(max_length=1000)
    responsible_unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.filter(is_active=True),
                                                          required=False, allow_null=True)
    due_on = serializers.DateField(required=False, allow_null=True)


class ResolveSerializer(serializers.Serializer):
    resolution = serializers.CharField(max_length=2000)


class SignOffSerializer(serializers.Serializer):
    accept = serializers.BooleanField()
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class RuleSerializer(serializers.ModelSerializer):
    code = serializers.ChoiceField(choices=[])
    name = serializers.SerializerMethodField()
    campaign = serializers.PrimaryKeyRelatedField(queryset=Campaign.objects.all(), required=False, allow_null=True,
                                                  default=None)
    task_kind = serializers.ChoiceField(choices=[("", "全部"), ("task", "任务"), ("project", "项目")], required=False,
                                        allow_blank=True, default="")
    enabled = serializers.BooleanField(required=False, default=True)
    params = serializers.DictField(child=serializers.JSONField(), required=False, default=dict)

    class Meta:
        model = Rule
        fields = ["id", "code", "name", "campaign", "task_kind", "enabled", "params", "updated_at"]
        read_only_fields = ["updated_at"]
        validators: list = []  # rule_set upserts on (code, campaign, task_kind); a repeat is an update, not a 400

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].choices = list(rule_names().items())

    def get_name(self, obj) -> str:
        return rule_names().get(obj.code, obj.code)


class RuleUpdateSerializer(serializers.Serializer):
    enabled = serializers.BooleanField(required=False)
    params = serializers.DictField(child=serializers.JSONField(), required=False)


class DefaultRuleSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    params = serializers.DictField()


@extend_schema_view(list=extend_schema(parameters=[OpenApiParameter(
    "date", description="督查日期；不传则为最近一次督查的日期", required=False, type=str)]))
class CardViewSet(viewsets.ReadOnlyModelViewSet):
    """The cards on a day of the tasks the caller may see. The list defaults to the latest supervision run's date."""

    serializer_class = CardSerializer
    filterset_class = CardFilter

    def get_queryset(self):
        return cards_visible_to(self.request.user).select_related("task").order_by("task_id")

    def filter_queryset(self, queryset):
        if self.action == "list" and not self.request.query_params.get("date"):
            run = selectors.latest_run()
            queryset = queryset.on(run.date) if run else queryset.none()
        return super().filter_queryset(queryset)


class NoticeViewSet(viewsets.ReadOnlyModelViewSet):
    """Notices addressed to the caller's unit (or informing the caller as leader); the office and leaders see all.
    The addressed unit's editor (or the office) acknowledges and replies; the office records interviews."""

    serializer_class = NoticeSerializer
    filterset_class = NoticeFilter

    def get_queryset(self):
        return notices_visible_to(self.request.user).order_by("-issued_on", "-id")

    def get_object(self):
        write = {"acknowledge": "answer", "reply": "answer", "interview": "interview"}.get(self.action)
        return notice_for(self.request.user, self.kwargs["pk"], write=write)

    @extend_schema(request=None, responses=NoticeSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        return Response(NoticeSerializer(services.notice_acknowledge(actor=request.user,
                                                                     notice=self.get_object())).data)

    @extend_schema(request=ReplySerializer, responses=NoticeSerializer)
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        notice = self.get_object()
        serializer = ReplySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        notice = services.notice_reply(actor=request.user, notice=notice, reply=serializer.validated_data["reply"])
        return Response(NoticeSerializer(notice).data)

    @extend_schema(request=InterviewSerializer, responses=NoticeSerializer)
    @action(detail=True, methods=["post"])
    def interview(self, request, pk=None):
        notice = self.get_object()
        serializer = InterviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        notice = services.interview_record(actor=request.user, notice=notice, **serializer.validated_data)
        return Response(NoticeSerializer(notice).data)


class BlockerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                     viewsets.GenericViewSet):
    """要素保障 blockers: seen by whoever sees the task and by the responsible unit. Raised by the task's lead or co-unit
    editors (or the office); resolved by the responsible unit's editor; signed off or returned by the raiser or the
    office. The list shows every state unless `state` is given."""

    serializer_class = BlockerSerializer
    filterset_class = BlockerFilter

    def get_queryset(self):
        return blockers_visible_to(self.request.user).order_by("due_on", "id")

    def get_object(self):
        write = {"resolve": "resolve", "sign_off": "sign_off"}.get(self.action)
        return blocker_for(self.request.user, self.kwargs["pk"], write=write)

    @extend_schema(request=BlockerCreateSerializer, responses={201: BlockerSerializer})
    def create(self, request, *args, **kwargs):
        serializer = BlockerCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        task = task_for(request.user, data.pop("task"), write="contribute")
        blocker = services.blocker_raise(actor=request.user, task=task, **data)
        return Response(BlockerSerializer(blocker).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ResolveSerializer, responses=BlockerSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        blocker = self.get_object()
        serializer = ResolveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        blocker = services.blocker_resolve(actor=request.user, blocker=blocker,
                                           resolution=serializer.validated_data["resolution"])
        return Response(BlockerSerializer(blocker).data)

    @extend_schema(request=SignOffSerializer, responses=BlockerSerializer)
    @action(detail=True, methods=["post"], url_path="sign-off")
    def sign_off(self, request, pk=None):
        blocker = self.get_object()
        serializer = SignOffSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        blocker = services.blocker_sign_off(actor=request.user, blocker=blocker, **serializer.validated_data)
        return Response(BlockerSerializer(blocker).data)


class RuleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                  mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """The office's rule settings (rows over the shipped defaults). The office and leaders read; the office creates
    or updates through rule_set: a repeated (code, campaign, task_kind) updates that row, and `params` replaces the
    row's parameters."""

    serializer_class = RuleSerializer
    filterset_fields = ["code", "campaign", "task_kind"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Rule.objects.none()
        require(can_read_rules(self.request.user))
        return Rule.objects.order_by("code", "campaign_id", "task_kind", "id")

    def get_serializer_class(self):
        return RuleUpdateSerializer if self.action in ("update", "partial_update") else RuleSerializer

    @extend_schema(request=RuleSerializer, responses={201: RuleSerializer})
    def create(self, request, *args, **kwargs):
        require(can_read_rules(request.user))
        require(is_office(request.user), "只有督查室可以修改督查规则")
        serializer = RuleSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        rule = services.rule_set(actor=request.user, **serializer.validated_data)
        return Response(RuleSerializer(rule).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RuleUpdateSerializer, responses=RuleSerializer)
    def update(self, request, *args, **kwargs):
        rule = self.get_object()
        require(is_office(request.user), "只有督查室可以修改督查规则")
        serializer = RuleUpdateSerializer(data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        rule = services.rule_set(actor=request.user, code=rule.code, campaign=rule.campaign, task_kind=rule.task_kind,
                                 params=data.get("params", rule.params), enabled=data.get("enabled", rule.enabled))
        return Response(RuleSerializer(rule).data)

    @extend_schema(responses=DefaultRuleSerializer(many=True))
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def defaults(self, request):
        require(can_read_rules(request.user))
        rows = [{"code": code, "name": rule["name"], "params": rule["params"]} for code, rule in default_rules().items()]
        return Response(DefaultRuleSerializer(rows, many=True).data)


def register(router) -> None:
    router.register("cards", CardViewSet, basename="card")
    router.register("notices", NoticeViewSet, basename="notice")
    router.register("blockers", BlockerViewSet, basename="blocker")
    router.register("rules", RuleViewSet, basename="rule")
