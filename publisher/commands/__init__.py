"""The commands other than build: check, stats, preview, import and new, thin on top of the pipeline.

Each module does its command's work and returns data; only ``publisher.cli`` prints or exits.
"""
