from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A professional, volunteer or funder who logs in. Personal data kept to the minimum."""

    email = models.EmailField("adresse e-mail", unique=True)
    phone = models.CharField("téléphone", max_length=20, blank=True)

    class Meta:
        verbose_name = "utilisateur·rice"
        verbose_name_plural = "utilisateur·rices"

    def __str__(self) -> str:
        return self.get_full_name() or self.username
