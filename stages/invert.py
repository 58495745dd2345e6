"""invert: images of one encoding -> audio by one phase method, and its convergence record."""

from __future__ import annotations

import argparse

from specimg.pipeline.invert import run_stage
from stages.common import absolute, load_params, run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--method", required=True)
    parser.add_argument("images_dir", type=absolute)
    parser.add_argument("spec_dir", type=absolute, help="true magnitudes and phases")
    parser.add_argument("recon_dir", type=absolute)
    run_stage(parser.parse_args(), load_params())


if __name__ == "__main__":
    run("stages.invert")
