from drf_spectacular.utils import extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import api_view
from rest_framework.response import Response

from gongjian.org.access import roles_of
from gongjian.org.models import Person, Unit
from gongjian.org.selectors import units_matching


class UnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "name", "short_name", "kind", "parent"]


class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    """Units are public knowledge inside the government: every signed-in user may list them."""

    serializer_class = UnitSerializer
    filterset_fields = ["kind", "parent"]

    def get_queryset(self):
        return units_matching(self.request.query_params.get("q", "")).order_by("order", "id")


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    display_name = serializers.CharField()
    unit = UnitSerializer(allow_null=True)
    roles = serializers.ListField(child=serializers.CharField())


@extend_schema(responses=MeSerializer)
@api_view(["GET"])
def me(request):
    person = Person.objects.select_related("unit").filter(user=request.user).first()
    return Response(
        MeSerializer(
            {
                "username": request.user.username,
                "display_name": person.display_name if person else request.user.username,
                "unit": person.unit if person else None,
                "roles": sorted(roles_of(request.user)),
            }
        ).data
    )
