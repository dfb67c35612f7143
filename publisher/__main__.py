"""python -m publisher"""

from .cli import main

main()
