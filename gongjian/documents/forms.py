from django import forms

from gongjian.documents.models import DocType


class StyledForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.HiddenInput):
                continue
            css = "form-select form-select-sm" if isinstance(widget, forms.Select) else "form-control form-control-sm"
            widget.attrs.setdefault("class", css)


class DocumentForm(StyledForm):
    doc_type = forms.ChoiceField(label="文种", choices=DocType.choices)
    title = forms.CharField(label="标题", max_length=200)
    recipient = forms.CharField(label="主送机关", max_length=300, required=False)
    body = forms.CharField(label="正文", max_length=50000, widget=forms.Textarea(attrs={"rows": 12}),
                           help_text="每段一行；“一、”开头的行按一级标题排版")
    cc = forms.CharField(label="抄送机关", max_length=300, required=False)


class ReviewForm(StyledForm):
    note = forms.CharField(label="审核意见", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text="退回修改时必填")


class LetterheadForm(StyledForm):
    authority = forms.CharField(label="发文机关标志", max_length=40, help_text="版头红色大字，如“莱西市人民政府督查室”")
    signature = forms.CharField(label="发文机关署名", max_length=40)
    abbreviation = forms.CharField(label="地名简称", max_length=4, required=False, help_text="发文字号前缀，如“莱”")
    printer = forms.CharField(label="印发机关", max_length=40, required=False)
    seal = forms.FileField(label="印章图片（PNG，透明底）", required=False)
    clear_seal = forms.BooleanField(label="删除印章图片", required=False)
