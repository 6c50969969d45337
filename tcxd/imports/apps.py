from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "tcxd.imports"
    label = "imports"
    verbose_name = "Nhập dữ liệu từ tệp"

    def ready(self) -> None:
        from tcxd.audit.labels import register

        register(actions={
            "import.upload": "Tải lên tệp nhập dữ liệu",
            "import.apply": "Áp dụng lô nhập dữ liệu",
            "import.mapping_save": "Lưu cách ghép cột",
            "import.map": "Ghép cột tệp nhập dữ liệu",
            "import.row_decide": "Chọn dòng, trường áp dụng khi nhập dữ liệu",
            "import.queue": "Yêu cầu áp dụng lô nhập dữ liệu",
        })
