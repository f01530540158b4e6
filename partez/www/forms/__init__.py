"""The web pages' forms, one module per module of :mod:`partez.www.views`; shared fields in
:mod:`.fields`, DomainError to form errors in :mod:`.errors`."""
