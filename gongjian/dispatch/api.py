from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from gongjian.campaigns.access import task_for
from gongjian.dispatch import services
from gongjian.dispatch.access import report_for, reports_visible_to
from gongjian.dispatch.models import ProgressReport, ReportingPeriod
from gongjian.org.access import get_or_404


class PeriodSerializer(serializers.ModelSerializer):
    title = serializers.CharField(read_only=True)

    class Meta:
        model = ReportingPeriod
        fields = ["id", "kind", "label", "title", "start", "end", "due_on"]


class ProblemSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=services.PROBLEM_CATEGORY_CHOICES)
    description = serializers.CharField(max_length=1000)


class ReportSerializer(serializers.ModelSerializer):
    problems = ProblemSerializer(many=True, required=False)
    milestones_done = serializers.DictField(child=serializers.DateField(), required=False)
    percent = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100, required=False)
    expected_version = serializers.IntegerField(write_only=True, required=False)

    class Meta:
        model = ProgressReport
        fields = ["id", "task", "period", "unit", "state", "work_done", "next_steps", "percent", "indicator_actual",
                  "problems", "support_needed", "milestones_done", "return_reason", "return_count", "supersedes",
                  "correction_reason", "submitted_at", "reviewed_at", "version", "expected_version"]
        read_only_fields = ["unit", "state", "return_reason", "return_count", "supersedes", "correction_reason",
                            "submitted_at", "reviewed_at", "version"]

    def service_fields(self) -> dict:
        data = dict(self.validated_data)
        for key in ("task", "period", "expected_version"):
            data.pop(key, None)
        if "milestones_done" in data:
            data["milestones_done"] = {str(k): v.isoformat() for k, v in data["milestones_done"].items()}
        if "problems" in data:
            data["problems"] = [dict(p) for p in data["problems"]]
        return data


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


class PeriodViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PeriodSerializer
    queryset = ReportingPeriod.objects.all()
    filterset_fields = ["kind", "label"]


class ReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                    mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Progress reports. Create or update a draft as the lead unit's editor; submit; the office returns (with a
    reason) or approves; approved reports are locked (409 on change)."""

    serializer_class = ReportSerializer
    filterset_fields = ["task", "period", "state", "unit"]

    def get_queryset(self):
        return reports_visible_to(self.request.user).order_by("-period__start", "id")

    def get_serializer_class(self):
        return ReasonSerializer if self.action in ("return_", "correct") else ReportSerializer

    def get_object(self):
        write = {"update": "edit", "partial_update": "edit", "submit": "edit", "correct": "edit",
                 "return_": "review", "approve": "review"}.get(self.action)
        return report_for(self.request.user, self.kwargs["pk"], write=write)

    def create(self, request, *args, **kwargs):
        serializer = ReportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        task = task_for(request.user, serializer.validated_data["task"].pk, write="report")
        period = get_or_404(ReportingPeriod.objects.all(), serializer.validated_data["period"].pk)
        report = services.report_save(actor=request.user, task=task, period=period,
                                      expected_version=serializer.validated_data.get("expected_version"),
                                      **serializer.service_fields())
        return Response(ReportSerializer(report).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        report = self.get_object()
        serializer = ReportSerializer(report, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        report = services.report_update(actor=request.user, report=report,
                                        expected_version=serializer.validated_data.get("expected_version"),
                                        **serializer.service_fields())
        return Response(ReportSerializer(report).data)

    @extend_schema(request=None, responses=ReportSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return Response(ReportSerializer(services.report_submit(actor=request.user, report=self.get_object())).data)

    @extend_schema(request=ReasonSerializer, responses=ReportSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        report = self.get_object()
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        report = services.report_return(actor=request.user, report=report, reason=serializer.validated_data["reason"])
        return Response(ReportSerializer(report).data)

    @extend_schema(request=None, responses=ReportSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return Response(ReportSerializer(services.report_approve(actor=request.user, report=self.get_object())).data)

    @extend_schema(request=ReasonSerializer, responses=ReportSerializer)
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        report = self.get_object()
        serializer = ReasonSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        correction = services.report_correct(actor=request.user, report=report,
                                             reason=serializer.validated_data["reason"])
        return Response(ReportSerializer(correction).data, status=status.HTTP_201_CREATED)
