"""The second factor's devices are changed only through partez.accounts.services (audited):
django-otp's admin pages, which show the TOTP keys and the recovery codes and edit them, are
removed. Login lockouts are lifted on the coordination's page (audited), not in the admin
(``AXES_ENABLE_ADMIN = False``)."""

from django.contrib import admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
