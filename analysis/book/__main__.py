"""``python -m analysis.book``: build the book (see :mod:`analysis.book.build`)."""
import sys

from analysis.book.build import main

sys.exit(main())
