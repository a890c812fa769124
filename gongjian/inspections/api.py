"""/api/v1/inspections/: the plans and their findings, scoped exactly like the pages (inspections.access); where
a photo was taken is shown only to those who may see it on the page."""

from django.contrib.auth.models import User
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from gongjian.campaigns.models import Campaign, Task
from gongjian.inspections import services
from gongjian.inspections.access import findings_visible_to, inspection_for, inspections_visible_to, sees_location
from gongjian.inspections.models import Finding, Inspection, Photo
from gongjian.org.access import is_office, require


class PhotoSerializer(serializers.ModelSerializer):
    verdict_label = serializers.CharField(source="get_verdict_display", read_only=True)

    class Meta:
        model = Photo
        fields = ["id", "taken_at", "size", "sha256", "verdict", "verdict_label", "verdict_note", "distance_m",
                  "exif_latitude", "exif_longitude"]
        read_only_fields = fields

    LOCATION = ("verdict_note", "distance_m", "exif_latitude", "exif_longitude", "verdict", "verdict_label")

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not self.context.get("sees_location"):
            for key in self.LOCATION:
                data.pop(key, None)
        return data


class FindingSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    photos = PhotoSerializer(many=True, read_only=True)
    rectification_task = serializers.IntegerField(source="rectification.task_id", read_only=True, default=None)

    class Meta:
        model = Finding
        fields = ["id", "task", "unit", "unit_name", "checklist_item", "description", "progress_seen",
                  "progress_claimed", "report", "recorded_on", "false_report_on", "false_report_reason", "photos",
                  "rectification_task"]
        read_only_fields = fields


class InspectionSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    findings = serializers.SerializerMethodField()

    class Meta:
        model = Inspection
        fields = ["id", "campaign", "kind", "kind_label", "subject", "scope", "start", "end", "checklist", "tasks",
                  "published_on", "max_distance_m", "max_accuracy_m", "findings"]
        read_only_fields = fields

    def get_findings(self, obj) -> list[dict]:
        request = self.context["request"]
        rows = findings_visible_to(request.user).filter(inspection=obj).prefetch_related("photos").select_related(
            "unit", "rectification")
        return FindingSerializer(rows, many=True, context={"sees_location": sees_location(request.user, obj)}).data


class InspectionCreateSerializer(serializers.Serializer):
    campaign = serializers.PrimaryKeyRelatedField(queryset=Campaign.objects.all())
    kind = serializers.ChoiceField(choices=[c for c in Inspection.Kind.choices if c[0] != Inspection.Kind.RECHECK])
    subject = serializers.CharField(max_length=200)
    scope = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    start = serializers.DateField()
    end = serializers.DateField()
    checklist = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    tasks = serializers.PrimaryKeyRelatedField(queryset=Task.objects.all(), many=True, required=False, default=list)
    team = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True), many=True,
                                              required=False, default=list)
    max_distance_m = serializers.IntegerField(min_value=10, max_value=50_000, default=500)
    max_accuracy_m = serializers.IntegerField(min_value=10, max_value=50_000, default=100)


class InspectionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                        viewsets.GenericViewSet):
    serializer_class = InspectionSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the OpenAPI generator has no user
            return Inspection.objects.none()
        return inspections_visible_to(self.request.user).select_related("campaign").prefetch_related("tasks")

    def get_object(self):
        return inspection_for(self.request.user, self.kwargs["pk"])

    lookup_value_regex = r"\d+"

    def get_serializer_class(self):
        return InspectionCreateSerializer if self.action == "create" else InspectionSerializer

    def create(self, request, *args, **kwargs):
        require(is_office(request.user))
        incoming = InspectionCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        inspection = services.inspection_create(actor=request.user, **incoming.validated_data)
        return Response(InspectionSerializer(inspection, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)


def register(router) -> None:
    router.register("inspections", InspectionViewSet, basename="inspection")
