"""The commune's own Word templates: which document kinds take one, and storing them.

A clerk may replace the built-in layout of a decision, the council's minutes or a proposal
(tờ trình) by a .docx of the commune's own with placeholders such as ``{{so}}``. The file
is checked in ``reports/docx_template.py`` (a .docx, no macros, only known placeholders)
before ``save_template`` stores it; the placeholders each kind knows are listed here, so
the program and docs/WORD_TEMPLATES.md describe the same set.
"""
import hashlib

from .entities import DocTemplate
from .errors import NotFound, ValidationError
from .service import audit, service

MAX_BYTES = 20 * 1024 * 1024

# placeholder → what it is filled with (Vietnamese; shown in the program's help dialog)
COMMON = {
    "so": "Số, ký hiệu văn bản (ví dụ 12/QĐ-UBND)",
    "ngay": "Địa danh, ngày tháng năm (dòng in nghiêng dưới Quốc hiệu)",
    "ngay_ky": "Ngày ký dạng 05/02/2026",
    "co_quan": "Tên cơ quan ban hành (các dòng bên trái phần đầu văn bản)",
}
SIGNER = {
    "chuc_vu_ky": "Quyền hạn, chức vụ người ký (TM., KT., CHỦ TỊCH …), mỗi dòng một đoạn",
    "nguoi_ky": "Họ và tên người ký",
    "noi_nhan": "Các dòng “Nơi nhận”, mỗi dòng một đoạn (gõ “- {{noi_nhan}}” để mỗi dòng "
                "có gạch đầu dòng)",
}
LIST = {"danh_sach": "Bảng danh sách (đặt riêng một đoạn; bảng được chèn vào đúng chỗ đó)"}

KINDS = {
    "decision": ("Quyết định khen thưởng", {
        **COMMON,
        "trich_yeu": "Trích yếu (Về việc …)",
        "tham_quyen": "Thẩm quyền ban hành (CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ …)",
        "can_cu": "Các dòng “Căn cứ …”, “Xét đề nghị …” (mỗi dòng một đoạn)",
        "dieu": "Các điều của quyết định (mỗi điều một đoạn, “Điều 1.” in đậm)",
        **SIGNER,
        "du_thao": "Chữ “DỰ THẢO” khi quyết định chưa ban hành (để trống khi đã ban hành)",
        "tieu_de_danh_sach": "Dòng dưới chữ DANH SÁCH (Công nhận danh hiệu … cho …)",
        "kem_theo": "(Kèm theo Quyết định số … ngày … của …)",
        **LIST,
        "tong_tien_chu": "Tổng số tiền bằng chữ (để trống khi không có tiền thưởng)",
    }),
    "minutes": ("Biên bản họp Hội đồng Thi đua - Khen thưởng", {
        **COMMON,
        "noi_dung": "Nội dung cuộc họp (Họp Hội đồng … bình xét khen thưởng …)",
        "dien_bien": "Thời gian, địa điểm, thành phần, hình thức biểu quyết (mỗi ý một đoạn)",
        **LIST,
        "ket_luan": "Câu kết luận (Có … đối tượng đạt tỷ lệ phiếu …)",
        "so_dat": "Số đối tượng đạt",
        "chu_tri": "Họ và tên người chủ trì",
        "thu_ky": "Họ và tên thư ký",
    }),
    "proposal": ("Tờ trình đề nghị khen thưởng", {
        **COMMON,
        "trich_yeu": "Trích yếu (Về việc đề nghị …)",
        "kinh_gui": "Nơi gửi (Kính gửi: …)",
        "can_cu": "Các dòng “Căn cứ …” (mỗi dòng một đoạn)",
        "noi_dung": "Nội dung tờ trình (mỗi ý một đoạn)",
        **LIST,
        **SIGNER,
    }),
}


def kind_label(kind):
    return KINDS[kind][0]


def placeholders(kind):
    """{name: description} of the placeholders a template of ``kind`` may use."""
    if kind not in KINDS:
        raise ValidationError(f"Không có loại mẫu Word “{kind}”; các loại: "
                              + ", ".join(KINDS) + ".", field="kind")
    return dict(KINDS[kind][1])


def get_template(kind):
    """The stored template row of ``kind``, or None (the built-in layout is used)."""
    placeholders(kind)
    return DocTemplate.get_or_none(DocTemplate.kind == kind)


def template_rows():
    """One row per kind: kind, label, file name ('' = built-in), uploaded at/by."""
    stored = {t.kind: t for t in DocTemplate.select(DocTemplate.kind, DocTemplate.file_name,
                                                    DocTemplate.uploaded_at,
                                                    DocTemplate.uploaded_by)}
    return [{"kind": kind, "label": label, "file_name": stored[kind].file_name
             if kind in stored else "", "uploaded_at": stored[kind].uploaded_at
             if kind in stored else None, "uploaded_by": stored[kind].uploaded_by
             if kind in stored else ""} for kind, (label, _) in KINDS.items()]


@service("clerk")
def save_template(*, actor, kind, file_name, data):
    """Store the (already checked) template of ``kind``, replacing the previous one."""
    placeholders(kind)
    if not data or len(data) > MAX_BYTES:
        raise ValidationError("Tệp mẫu Word rỗng hoặc lớn hơn 20 MB.", field="data")
    digest = hashlib.sha256(data).hexdigest()
    row = DocTemplate.get_or_none(DocTemplate.kind == kind)
    old = {"file_name": row.file_name, "sha256": row.sha256} if row else None
    if row is None:
        row = DocTemplate(kind=kind)
    row.file_name, row.data, row.sha256 = file_name[:255], bytes(data), digest
    row.uploaded_by = actor.username
    from .entities import now
    row.uploaded_at = now()
    row.save()
    audit(actor, "doc_template_save", row, old=old,
          new={"kind": kind, "file_name": row.file_name, "sha256": digest})
    return row


@service("clerk")
def remove_template(*, actor, kind):
    """Go back to the built-in layout for ``kind``."""
    row = get_template(kind)
    if row is None:
        raise NotFound(f"{kind_label(kind)} đang dùng mẫu có sẵn của phần mềm.")
    audit(actor, "doc_template_remove", row,
          old={"kind": kind, "file_name": row.file_name, "sha256": row.sha256})
    row.delete_instance()
    return kind
