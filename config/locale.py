"""Dutch unless the user chose English: the browser's Accept-Language does not switch the language."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Activate the language the user picked with the language buttons (set_language's cookie).

    A Dutch monitoring centre may run browsers configured for English; those
    users must still get Dutch, the working language of the alerts and the
    police, unless they choose English. LANGUAGE_FROM_BROWSER=true restores
    Django's default of also honouring Accept-Language.
    """

    def process_request(self, request) -> None:
        if settings.LANGUAGE_FROM_BROWSER:
            return super().process_request(request)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
