from __future__ import annotations

from benelink.schemas.outputs import data_dictionary_markdown
from tests.helpers import REPO


def test_docs_outputs_md_is_generated_from_the_dictionary() -> None:
    """Regenerate with: python -c "from benelink.schemas.outputs import data_dictionary_markdown as d; open('docs/outputs.md','w').write(d())" """
    text = (REPO / "docs" / "outputs.md").read_text(encoding="utf-8")
    assert text == data_dictionary_markdown()
