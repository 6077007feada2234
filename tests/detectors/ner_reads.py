"""Test helper: what a detector hands to spaCy's NER."""

from __future__ import annotations

from dpscan.detectors.personal_data import PersonalDataDetector


def record_ner_reads(detector: PersonalDataDetector) -> list[str]:
    """Wrap ``detector``'s spaCy pipe; the list returned fills with every text NER reads."""
    reads: list[str] = []
    pipe = detector._nlp.pipe

    def counting(texts, **kwargs):  # type: ignore[no-untyped-def]
        texts = list(texts)
        reads.extend(texts)
        return pipe(texts, **kwargs)

    detector._nlp.pipe = counting  # type: ignore[method-assign]
    return reads
