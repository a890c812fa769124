"""API for 督办事项: /api/v1/instructions/, /meeting-items/, /assignments/, /proposals/. Lists are scoped like tasks;
the office registers; units report, split and answer; the office closes; the leader signs off."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from gongjian.campaigns.models import Task
from gongjian.matters import selectors, services
from gongjian.matters.access import item_for, items_visible_to
from gongjian.matters.models import Assignment, Instruction, Meeting, MeetingItem, Proposal
from gongjian.org.access import is_office, require
from gongjian.org.models import Person, Unit

ACTIVE_UNITS = Unit.objects.filter(is_active=True)
COMMON = ["id", "title", "description", "lead_unit", "co_units", "start", "deadline", "status", "stage", "progress",
          "completed_on", "parent"]


class _ItemSerializer(serializers.ModelSerializer):
    lead_unit = serializers.PrimaryKeyRelatedField(queryset=ACTIVE_UNITS)
    co_units = serializers.PrimaryKeyRelatedField(queryset=ACTIVE_UNITS, many=True, required=False)
    stage = serializers.SerializerMethodField()

    def get_stage(self, item) -> str:
        return selectors.stage_of(item)


class InstructionSerializer(_ItemSerializer):
    leader = serializers.PrimaryKeyRelatedField(queryset=Person.objects.filter(is_city_leader=True))
    deadline = serializers.DateField(required=False)
    signed_off = serializers.SerializerMethodField()

    class Meta:
        model = Instruction
        fields = [*COMMON, "leader", "instruction_text", "report_title", "received_on", "proposed_handling",
                  "needs_signoff", "signed_off", "signed_off_at"]
        read_only_fields = ["start", "status", "progress", "completed_on", "parent", "signed_off_at"]

    def get_signed_off(self, item) -> bool:
        return item.signed_off_at is not None


class MeetingItemSerializer(_ItemSerializer):
    meeting = serializers.PrimaryKeyRelatedField(queryset=Meeting.objects.all())
    meeting_title = serializers.CharField(source="meeting.title", read_only=True)
    meeting_date = serializers.DateField(source="meeting.held_on", read_only=True)
    chair = serializers.CharField(source="meeting.chair", read_only=True)

    class Meta:
        model = MeetingItem
        fields = [*COMMON, "meeting", "meeting_title", "meeting_date", "chair"]
        read_only_fields = ["start", "status", "progress", "completed_on", "parent"]


class AssignmentSerializer(_ItemSerializer):
    lead_workdays = serializers.IntegerField(min_value=0, max_value=60, required=False)

    class Meta:
        model = Assignment
        fields = [*COMMON, "upstream_body", "upstream_number", "upstream_deadline", "lead_workdays", "reply_text",
                  "replied_on"]
        read_only_fields = ["start", "deadline", "status", "progress", "completed_on", "parent", "reply_text",
                            "replied_on"]


class ProposalSerializer(_ItemSerializer):
    joint_units = serializers.PrimaryKeyRelatedField(queryset=ACTIVE_UNITS, many=True, required=False)
    assigned_on = serializers.DateField(source="start", required=False)

    class Meta:
        model = Proposal
        fields = [*COMMON, "kind", "code", "proposers", "joint_units", "assigned_on", "met_on", "met_note",
                  "answer_text", "answer_class", "answered_on", "satisfaction", "satisfaction_on"]
        read_only_fields = ["start", "deadline", "status", "progress", "completed_on", "parent", "met_on", "met_note",
                            "answer_text", "answer_class", "answered_on", "satisfaction", "satisfaction_on"]


class HandlingReportSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=10000)


class SplitSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    lead_unit = serializers.PrimaryKeyRelatedField(queryset=ACTIVE_UNITS)
    deadline = serializers.DateField()


class TaskRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Task
        fields = ["id", "title", "lead_unit", "deadline", "status", "progress", "parent"]


class _ItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                   viewsets.GenericViewSet):
    model = Task
    lookup_value_regex = r"[0-9]{1,18}"  # larger ids overflow the database integer; they are simply not found

    def get_queryset(self):
        return items_visible_to(self.request.user, self.model).select_related("lead_unit") \
            .prefetch_related("co_units").order_by("deadline", "id")

    def get_object(self):
        return item_for(self.request.user, self.model, self.kwargs["pk"])

    def _valid(self, serializer_class):
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _created(self, item):
        return Response(self.get_serializer_class()(item).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=HandlingReportSerializer, responses=TaskRefSerializer)
    @action(detail=True, methods=["post"])
    def reports(self, request, pk=None):
        """办理情况: a lead or co-unit reports how it handled the item."""
        item = self.get_object()
        services.handling_report(actor=request.user, item=item, **self._valid(HandlingReportSerializer))
        return Response(TaskRefSerializer(Task.objects.get(pk=item.pk)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=TaskRefSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """办结, by the office."""
        item = self.get_object()
        return Response(TaskRefSerializer(services.matter_close(actor=request.user, item=item)).data)

    @extend_schema(request=SplitSerializer, responses=TaskRefSerializer)
    @action(detail=True, methods=["post"])
    def split(self, request, pk=None):
        """分解: the lead unit splits the item into sub-items for its offices and villages."""
        item = self.get_object()
        child = services.matter_split(actor=request.user, item=item, **self._valid(SplitSerializer))
        return Response(TaskRefSerializer(child).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=TaskRefSerializer(many=True))
    @action(detail=True, methods=["get"])
    def chain(self, request, pk=None):
        """The sub-items split from this item, at every level."""
        item = self.get_object()
        return Response(TaskRefSerializer([t for _, t in selectors.chain(item)], many=True).data)


class InstructionViewSet(_ItemViewSet):
    model = Instruction
    serializer_class = InstructionSerializer

    def create(self, request, *args, **kwargs):
        require(is_office(request.user))
        data = self._valid(InstructionSerializer)
        return self._created(services.instruction_register(actor=request.user, **data))

    @extend_schema(request=None, responses=InstructionSerializer)
    @action(detail=True, methods=["post"], url_path="approve-handling")
    def approve_handling(self, request, pk=None):
        """The office head approves the 拟办意见 and the item is assigned."""
        item = self.get_object()
        require(is_office(request.user))
        return Response(InstructionSerializer(services.instruction_approve_handling(actor=request.user,
                                                                                    instruction=item)).data)

    @extend_schema(request=None, responses=InstructionSerializer)
    @action(detail=True, methods=["post"], url_path="sign-off")
    def sign_off(self, request, pk=None):
        """销号 by the leader who wrote the instruction."""
        item = self.get_object()
        return Response(InstructionSerializer(services.instruction_sign_off(actor=request.user,
                                                                            instruction=item)).data)


class MinutesSerializer(serializers.Serializer):
    minutes = serializers.CharField(max_length=100000)


class MeetingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Meeting
        fields = ["id", "title", "held_on", "chair", "minutes"]


class MeetingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                     viewsets.GenericViewSet):
    """Meetings whose decisions are supervised (office only)."""

    serializer_class = MeetingSerializer
    lookup_value_regex = r"[0-9]{1,18}"
    queryset = Meeting.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self):
        require(is_office(self.request.user))
        return Meeting.objects.order_by("-held_on", "-id")

    def create(self, request, *args, **kwargs):
        require(is_office(request.user))
        serializer = MeetingSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        meeting = services.meeting_create(actor=request.user, **serializer.validated_data)
        return Response(MeetingSerializer(meeting).data, status=status.HTTP_201_CREATED)


class MeetingItemViewSet(_ItemViewSet):
    model = MeetingItem
    serializer_class = MeetingItemSerializer

    def create(self, request, *args, **kwargs):
        require(is_office(request.user))
        data = self._valid(MeetingItemSerializer)
        return self._created(services.meeting_item_create(actor=request.user, **data))

    @extend_schema(request=MinutesSerializer, responses=dict)
    @action(detail=False, methods=["post"])
    def draft(self, request):
        """Items the parser finds in pasted minutes (nothing is saved)."""
        require(is_office(request.user))
        return Response(services.draft_meeting_items(self._valid(MinutesSerializer)["minutes"]))


class AssignmentViewSet(_ItemViewSet):
    model = Assignment
    serializer_class = AssignmentSerializer

    def create(self, request, *args, **kwargs):
        require(is_office(request.user))
        return self._created(services.assignment_create(actor=request.user, **self._valid(AssignmentSerializer)))

    class UpstreamReplySerializer(serializers.Serializer):
        reply_text = serializers.CharField(max_length=5000)
        replied_on = serializers.DateField(required=False)

    @extend_schema(request=UpstreamReplySerializer, responses=AssignmentSerializer)
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        """Record the report sent upstream (office)."""
        item = self.get_object()
        require(is_office(request.user))
        return Response(AssignmentSerializer(services.assignment_reply(
            actor=request.user, assignment=item, **self._valid(self.UpstreamReplySerializer))).data)


class ProposalViewSet(_ItemViewSet):
    model = Proposal
    serializer_class = ProposalSerializer

    def create(self, request, *args, **kwargs):
        require(is_office(request.user))
        data = self._valid(ProposalSerializer)
        if "start" in data:
            data["assigned_on"] = data.pop("start")
        return self._created(services.proposal_create(actor=request.user, **data))

    class MeetSerializer(serializers.Serializer):
        met_on = serializers.DateField()
        note = serializers.CharField(max_length=2000)

    class AnswerSerializer(serializers.Serializer):
        answer_text = serializers.CharField(max_length=20000)
        answer_class = serializers.ChoiceField(choices=Proposal.Answer.choices)

    class FeedbackSerializer(serializers.Serializer):
        satisfaction = serializers.ChoiceField(choices=Proposal.Satisfaction.choices)

    @extend_schema(request=MeetSerializer, responses=ProposalSerializer)
    @action(detail=True, methods=["post"])
    def meet(self, request, pk=None):
        """面商 recorded by the lead unit."""
        item = self.get_object()
        return Response(ProposalSerializer(services.proposal_meet(
            actor=request.user, proposal=item, **self._valid(self.MeetSerializer))).data)

    @extend_schema(request=AnswerSerializer, responses=ProposalSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        """办复 with its A/B/C class, by the lead unit."""
        item = self.get_object()
        return Response(ProposalSerializer(services.proposal_answer(
            actor=request.user, proposal=item, **self._valid(self.AnswerSerializer))).data)

    @extend_schema(request=FeedbackSerializer, responses=ProposalSerializer)
    @action(detail=True, methods=["post"])
    def feedback(self, request, pk=None):
        """The proposer's satisfaction, recorded by the office."""
        item = self.get_object()
        return Response(ProposalSerializer(services.proposal_feedback(
            actor=request.user, proposal=item, **self._valid(self.FeedbackSerializer))).data)


def register(router) -> None:
    router.register("instructions", InstructionViewSet, basename="instruction")
    router.register("meetings", MeetingViewSet, basename="meeting")
    router.register("meeting-items", MeetingItemViewSet, basename="meeting-item")
    router.register("assignments", AssignmentViewSet, basename="assignment")
    router.register("proposals", ProposalViewSet, basename="proposal")
