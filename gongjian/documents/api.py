"""/api/v1/documents/: documents with their numbers; the office drafts and reviews, the office or a leader signs."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from gongjian.campaigns.access import task_for
from gongjian.documents import selectors, services
from gongjian.documents.access import document_for, documents_visible_to
from gongjian.documents.models import DocType, Document
from gongjian.org.access import is_office, require

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class DocumentSerializer(serializers.ModelSerializer):
    doc_type = serializers.ChoiceField(choices=DocType.choices)
    task = serializers.IntegerField(source="task_id", required=False, allow_null=True)

    class Meta:
        model = Document
        fields = ["id", "doc_type", "title", "recipient", "body", "cc", "task", "status", "number", "year", "serial",
                  "signer_name", "issued_on", "review_note"]
        read_only_fields = ["status", "number", "year", "serial", "signer_name", "issued_on", "review_note"]


class ReviewSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True)


class DocumentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                      mixins.UpdateModelMixin, viewsets.GenericViewSet):
    serializer_class = DocumentSerializer
    lookup_value_regex = r"[0-9]{1,18}"  # larger ids overflow the database integer; they are simply not found
    http_method_names = ["get", "post", "put", "head", "options"]

    def get_queryset(self):
        return documents_visible_to(self.request.user).order_by("-id")

    def get_object(self):
        return document_for(self.request.user, self.kwargs["pk"])

    def create(self, request, *args, **kwargs):
        require(is_office(request.user))
        serializer = DocumentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        task_id = data.pop("task_id", None)
        task = task_for(request.user, task_id) if task_id is not None else None
        document = services.document_create(actor=request.user, task=task, **data)
        return Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        document = document_for(request.user, kwargs["pk"], write="edit")
        serializer = DocumentSerializer(document, data=request.data)
        serializer.is_valid(raise_exception=True)
        data = {k: serializer.validated_data.get(k, "") for k in ("title", "body", "recipient", "cc")}
        return Response(DocumentSerializer(services.document_update(actor=request.user, document=document,
                                                                    **data)).data)

    @extend_schema(request=None, responses=DocumentSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """拟稿 → 审核."""
        document = document_for(request.user, pk, write="submit")
        return Response(DocumentSerializer(services.document_submit(actor=request.user, document=document)).data)

    @extend_schema(request=ReviewSerializer, responses=DocumentSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        """审核: approve for signing, or return to drafting with a note."""
        document = document_for(request.user, pk, write="review")
        serializer = ReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(DocumentSerializer(services.document_review(actor=request.user, document=document,
                                                                    **serializer.validated_data)).data)

    @extend_schema(request=None, responses=DocumentSerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        """签发: the document gets its number."""
        document = document_for(request.user, pk, write="sign")
        return Response(DocumentSerializer(services.document_sign(actor=request.user, document=document)).data)

    @extend_schema(responses={(200, DOCX_TYPE): OpenApiResponse(description="the .docx")})
    @action(detail=True, methods=["get"])
    def docx(self, request, pk=None):
        document = self.get_object()
        return selectors.file_response(selectors.docx_of(document), document, "docx", DOCX_TYPE)


def register(router) -> None:
    router.register("documents", DocumentViewSet, basename="document")
