"""Render deploy/haproxy.cfg.template for a list of replicas (the proxy settings come from deploy/config.yaml).

    python -m deploy.haproxy --bind '*:8080' --server app1=app1:8501 --server app2=app2:8501 > haproxy.cfg
"""
from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from string import Template

from deploy.settings import DeployConfig, load_config

TEMPLATE_PATH = Path(__file__).resolve().parent / "haproxy.cfg.template"
_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
_ADDRESS = re.compile(r"^[A-Za-z0-9._-]+:\d{1,5}$")


@dataclass(frozen=True)
class Replica:
    """One backend: its name (also its affinity cookie value and its BCA_REPLICA) and host:port."""

    name: str
    address: str

    def __post_init__(self) -> None:
        if not _NAME.match(self.name):
            raise ValueError(f"replica name {self.name!r}: lower-case letters, digits, '-' or '_'")
        if not _ADDRESS.match(self.address):
            raise ValueError(f"replica address {self.address!r}: expected host:port")


def render(replicas: list[Replica], bind: str, config: DeployConfig | None = None,
           template: str | None = None) -> str:
    """The proxy configuration for these replicas, listening on `bind` (e.g. '127.0.0.1:8080' or '*:8080')."""
    if not replicas:
        raise ValueError("at least one replica is needed")
    if len({r.name for r in replicas}) != len(replicas):
        raise ValueError("replica names must differ (each is an affinity cookie value)")
    if not _ADDRESS.match(bind.replace("*", "0.0.0.0", 1)):
        raise ValueError(f"bind {bind!r}: expected host:port or *:port")
    config = config or load_config()
    servers = "\n".join(f"    server {r.name} {r.address} check cookie {r.name}" for r in replicas)
    text = Template(template if template is not None else TEMPLATE_PATH.read_text(encoding="utf-8"))
    return text.substitute(bind=bind, cookie=config.replicas.cookie, health_path=config.health.path,
                           tunnel_timeout=config.replicas.tunnel_timeout,
                           interval=config.replicas.health_check_interval,
                           check_timeout=config.replicas.health_check_timeout, fall=config.replicas.health_check_fall,
                           rise=config.replicas.health_check_rise, servers=servers)


def _server(text: str) -> Replica:
    name, sep, address = text.partition("=")
    if not sep:
        raise argparse.ArgumentTypeError(f"{text!r}: expected NAME=HOST:PORT")
    try:
        return Replica(name, address)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bind", default="*:8080", help="address the proxy listens on (default *:8080)")
    parser.add_argument("--server", type=_server, action="append", required=True, metavar="NAME=HOST:PORT")
    parser.add_argument("--out", type=Path, help="write here (atomically) instead of standard output")
    args = parser.parse_args(argv)
    try:
        text = render(args.server, args.bind)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.out:
        tmp = args.out.with_name(args.out.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(args.out)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
