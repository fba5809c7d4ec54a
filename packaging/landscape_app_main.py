"""The bundle's entry point: the same command line as the installed `landscape-app`."""
import sys

from landscape_app.cli import main

if __name__ == "__main__":
    sys.exit(main())
