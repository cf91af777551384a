"""The hostile-input suite: broken files, damaged state, hostile text and failing disks.

Every case meets benelink the way an officer's machine would and asserts the
same promises (``harness.py``): the exit code, one line on stderr, no
traceback, nothing written on failure, no planted personal value anywhere.
"""
