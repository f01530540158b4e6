"""Account security: the second-factor policy per role (the devices themselves are django-otp's
TOTPDevice and StaticDevice; the login throttling is django-axes')."""

from django.conf import settings
from django.db import models

from partez.organisations.models import Role


class SecondFactorPolicy(models.Model):
    """Whether a role must log in with a second factor, as the coordination set it (one row per
    role; superusers and staff always need one). The data migration's default: required for the
    coordination and the commune referents."""

    role = models.CharField("rôle", max_length=20, choices=Role.choices, unique=True)
    required = models.BooleanField("second facteur obligatoire", default=False)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "règle du second facteur"
        verbose_name_plural = "règles du second facteur"
        ordering = ["role"]

    def __str__(self) -> str:
        return f"{self.get_role_display()} : {'obligatoire' if self.required else 'proposé'}"
