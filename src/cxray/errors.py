"""Errors a user can cause. Each carries a text key so the message can be shown in any language."""

from __future__ import annotations


class CxrayError(Exception):
    """A problem with the user's input (file, column, parameter). The CLI prints it as one line
    and exits non-zero; nothing in the workspace has changed when it is raised."""

    def __init__(self, key: str, **params: object) -> None:
        self.key = key
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str = "en") -> str:
        from cxray.texts import t

        return t(self.key, lang=lang, **self.params)
