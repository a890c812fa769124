"""API views; `register` adds them to the /api/v1/ router: schemes, rankings (compute, publish, adjust, evaluate,
table) and scores with their breakdown. Published rankings answer 409 to anything but an adjustment."""

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from gongjian.assessment import periods, registry, selectors, services
from gongjian.assessment.access import may_use, ranking_for, rankings_visible_to, scores_visible_to
from gongjian.assessment.models import Indicator, Ranking, Scheme, Score, ScoreItem
from gongjian.assessment.scoring import params_of
from gongjian.campaigns.models import Campaign
from gongjian.errors import UserError
from gongjian.org.access import is_office, sees_everything
from gongjian.org.models import Unit


class IndicatorSerializer(serializers.ModelSerializer):
    params = serializers.SerializerMethodField()
    rule = serializers.SerializerMethodField()

    class Meta:
        model = Indicator
        fields = ["id", "code", "name", "is_manual", "params", "weight", "enabled", "rule"]

    def get_params(self, obj) -> dict:
        return params_of(obj)

    def get_rule(self, obj) -> str:
        spec = registry.specs().get(obj.code)
        return spec.rule if spec else ""


class SchemeSerializer(serializers.ModelSerializer):
    indicators = IndicatorSerializer(many=True, read_only=True)

    class Meta:
        model = Scheme
        fields = ["id", "campaign", "period_type", "name", "base", "award_threshold", "indicators"]


class RankingSerializer(serializers.ModelSerializer):
    title = serializers.CharField(read_only=True)

    class Meta:
        model = Ranking
        fields = ["id", "scheme", "label", "title", "start", "end", "as_of", "state", "computed_at", "seconds",
                  "published_at"]


class ScoreItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ScoreItem
        fields = ["points", "reason", "kind", "indicator", "source_type", "source_id"]


class ScoreSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    breakdown = ScoreItemSerializer(source="items", many=True, read_only=True)

    class Meta:
        model = Score
        fields = ["id", "ranking", "unit", "unit_name", "category", "base", "total", "rank", "red_count",
                  "yellow_count", "uncompleted_tasks", "award_eligible", "breakdown"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        # Before publication a unit sees its own lines, not where they put it among the others.
        if request is not None and not sees_everything(request.user) and not instance.ranking.is_published:
            data["rank"] = None
        return data


class ComputeSerializer(serializers.Serializer):
    campaign = serializers.PrimaryKeyRelatedField(queryset=Campaign.objects.all())
    period = serializers.CharField(max_length=10)


class AdjustmentSerializer(serializers.Serializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())
    points = serializers.DecimalField(max_digits=6, decimal_places=2)
    reason = serializers.CharField(max_length=200)


class EvaluationSerializer(serializers.Serializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())
    indicator = serializers.PrimaryKeyRelatedField(queryset=Indicator.objects.filter(is_manual=True))
    points = serializers.DecimalField(max_digits=6, decimal_places=2, required=False, allow_null=True)
    reason = serializers.CharField(max_length=200)


class TableRowSerializer(serializers.Serializer):
    unit = serializers.IntegerField(source="score.unit_id")
    unit_name = serializers.CharField(source="score.unit.name")
    rank = serializers.IntegerField(source="score.rank")
    total = serializers.DecimalField(source="score.total", max_digits=8, decimal_places=2)
    change = serializers.IntegerField(allow_null=True)
    change_text = serializers.CharField()
    gap = serializers.DecimalField(max_digits=8, decimal_places=2)
    red_count = serializers.IntegerField(source="score.red_count")
    yellow_count = serializers.IntegerField(source="score.yellow_count")
    award_eligible = serializers.BooleanField(source="score.award_eligible")
    trend = serializers.ListField(child=serializers.FloatField())


class SchemeViewSet(viewsets.ReadOnlyModelViewSet):
    """Assessment schemes: indicators with their points (params), weights and 计分口径."""

    serializer_class = SchemeSerializer
    filterset_fields = ["campaign", "period_type"]

    def get_queryset(self):
        schemes = Scheme.objects.prefetch_related("indicators").order_by("id")
        return schemes if may_use(self.request.user) else schemes.none()


class RankingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                     viewsets.GenericViewSet):
    """League tables per scheme and period. POST computes a period (office only); `publish` makes it immutable;
    afterwards `adjustments` is the only change accepted."""

    serializer_class = RankingSerializer
    filterset_fields = ["scheme", "label", "state"]

    def get_queryset(self):
        return rankings_visible_to(self.request.user).order_by("scheme_id", "-start")

    def get_serializer_class(self):
        return {"create": ComputeSerializer, "adjustments": AdjustmentSerializer,
                "evaluations": EvaluationSerializer}.get(self.action, RankingSerializer)

    def get_object(self):
        return ranking_for(self.request.user, self.kwargs["pk"],
                           write=self.action in ("publish", "adjustments", "evaluations"))

    @extend_schema(request=ComputeSerializer, responses={201: RankingSerializer})
    def create(self, request, *args, **kwargs):
        if not is_office(request.user):
            raise PermissionDenied("只有督查室可以计算考核结果")
        serializer = ComputeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        label = serializer.validated_data["period"].strip().upper()
        try:
            kind = periods.parse(label)[0]
        except ValueError as exc:
            raise UserError(str(exc), "invalid", field="period") from None
        scheme = services.scheme_for(actor=request.user, campaign=serializer.validated_data["campaign"],
                                     period_type=kind)
        ranking = services.ranking_compute(actor=request.user, scheme=scheme, label=label)
        return Response(RankingSerializer(ranking).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=RankingSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        ranking = services.ranking_publish(actor=request.user, ranking=self.get_object())
        return Response(RankingSerializer(ranking).data)

    @extend_schema(request=AdjustmentSerializer, responses={201: ScoreSerializer})
    @action(detail=True, methods=["post"])
    def adjustments(self, request, pk=None):
        ranking = self.get_object()
        serializer = AdjustmentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        adjustment = services.adjustment_add(actor=request.user, ranking=ranking, **serializer.validated_data)
        score = Score.objects.select_related("ranking").get(ranking=ranking, unit=adjustment.unit)
        return Response(ScoreSerializer(score).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=EvaluationSerializer, responses={201: ScoreSerializer})
    @action(detail=True, methods=["post"])
    def evaluations(self, request, pk=None):
        ranking = self.get_object()
        serializer = EvaluationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        evaluation = services.evaluation_add(actor=request.user, ranking=ranking, **serializer.validated_data)
        score = Score.objects.select_related("ranking").get(ranking=ranking, unit=evaluation.unit)
        return Response(ScoreSerializer(score).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=TableRowSerializer(many=True))
    @action(detail=True, methods=["get"])
    def table(self, request, pk=None):
        """Both league tables: {"area": rows, "department": rows} with change, gap to the best and trend."""
        tables = selectors.league(self.get_object(), published_only=not sees_everything(request.user))
        return Response({category: TableRowSerializer(rows, many=True).data for category, rows in tables.items()})


class ScoreViewSet(viewsets.ReadOnlyModelViewSet):
    """Scores with their breakdown: every line's points, reason and source. Units see their own, published or not,
    and everyone's once published."""

    serializer_class = ScoreSerializer
    filterset_fields = ["ranking", "unit", "category"]

    def get_queryset(self):
        return (scores_visible_to(self.request.user).select_related("unit", "ranking").prefetch_related("items")
                .order_by("ranking_id", "category", "rank", "unit_id"))


def register(router) -> None:
    router.register("assessment-schemes", SchemeViewSet, basename="assessment-scheme")
    router.register("assessment-rankings", RankingViewSet, basename="assessment-ranking")
    router.register("assessment-scores", ScoreViewSet, basename="assessment-score")
