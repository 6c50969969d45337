from django.contrib.auth import forms as auth_forms
from django.contrib.auth.forms import AuthenticationForm


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Tên đăng nhập hoặc mật khẩu không đúng.",
        "inactive": "Tài khoản đã bị khóa.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Tên đăng nhập"
        self.fields["password"].label = "Mật khẩu"
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"
        self.fields["username"].widget.attrs["autofocus"] = True



class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """Đổi mật khẩu: the password policy (AUTH_PASSWORD_VALIDATORS) applies."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = {"old_password": "Mật khẩu hiện tại", "new_password1": "Mật khẩu mới",
                  "new_password2": "Nhập lại mật khẩu mới"}
        for name, field in self.fields.items():
            field.label = labels.get(name, field.label)
            field.widget.attrs["class"] = "form-control"
