"""EMAIL_ADDRESS with presidio's recognizer, made to work offline.

presidio validates the domain with ``tldextract.extract``, whose default extractor
fetches the public suffix list over the network on first use.  This one uses the
snapshot bundled with tldextract and never touches the network or a cache folder.
"""

from __future__ import annotations

import tldextract
from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import EmailRecognizer

# No URLs: nothing to fetch.  No cache dir: nothing written to disk.
OFFLINE_TLD_EXTRACT = tldextract.TLDExtract(
    suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True
)


class OfflineEmailRecognizer(EmailRecognizer):
    """presidio's EmailRecognizer with the domain check done against the bundled suffix list."""

    def analyze(  # noqa: D102
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        # presidio's pattern tries a long local part at every word of the text; its "@" is
        # a literal, so a text without one has no address (a quarter of the pattern tier's
        # time on ordinary documents).
        if "@" not in text:
            return []
        return super().analyze(text, entities, nlp_artifacts, regex_flags)

    def validate_result(self, pattern_text: str) -> bool:  # noqa: D102
        parts = OFFLINE_TLD_EXTRACT(pattern_text)
        # The suffix list has a wildcard rule "*.sch.uk", so "office@school.sch.uk" has no
        # registrable domain by the list's letter; a host of three or more labels that is
        # all suffix is still a real mail domain.
        return parts.fqdn != "" or parts.suffix.count(".") >= 2
