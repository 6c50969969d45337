from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "tcxd.documents"
    label = "documents"
    verbose_name = "Văn bản, mẫu in"

    def ready(self) -> None:
        from tcxd.audit.labels import register

        register(actions={"document_template.upload": "Tải lên mẫu văn bản",
                          "document_template.revert": "Khôi phục mẫu văn bản về mẫu chung / mặc định"},
                 fields={"file_name": "tên tệp", "has_file": "có tệp mẫu"})
