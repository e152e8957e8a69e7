"""HTTPS on an office LAN without a public certificate: the office's own small certificate authority.

`dibao cert ca` makes the CA once (its key never leaves the server's /etc/dibao); staff PCs import ca.crt
into their trusted roots once (docs/deploy.md); `dibao cert issue` then signs the server's certificate for
its LAN names and addresses, and can be re-run before it expires without touching the PCs again.
The CA is name-constrained to those names, so even a stolen CA key cannot impersonate other sites.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

from archiver.errors import UserError, UserValueError

CA_YEARS = 10
SERVER_DAYS = 825  # the longest validity Apple's platforms accept for a certificate from a private CA


class CaExists(UserError, FileExistsError):
    """The folder already holds a CA: never overwritten (every computer would have to import it again)."""


@dataclass
class Issued:
    cert: Path
    key: Path
    not_after: dt.datetime


def _write_key(path: Path, key) -> None:  # type: ignore[no-untyped-def]
    from cryptography.hazmat.primitives import serialization

    path.parent.mkdir(parents=True, exist_ok=True)
    data = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # never readable by others, even briefly
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def _write_cert(path: Path, *certs) -> None:  # type: ignore[no-untyped-def]
    from cryptography.hazmat.primitives import serialization

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certs))


def _split(names: list[str]) -> tuple[list[str], list[ipaddress.IPv4Address | ipaddress.IPv6Address]]:
    dns, ips = [], []
    for n in names:
        try:
            ips.append(ipaddress.ip_address(n))
        except ValueError:
            dns.append(n)
    return dns, ips


def make_ca(folder: Path, organisation: str, names: list[str]) -> Path:
    """ca.crt + ca.key in `folder`; when `names` (domains, addresses, networks) are given they are the only
    ones it may ever sign for (name constraints), which browsers enforce."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    if (folder / "ca.key").exists():
        raise CaExists(f"证书颁发机构已存在：{folder / 'ca.key'}（不要覆盖，否则各电脑需重新导入）/ CA exists")
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
                         x509.NameAttribute(NameOID.COMMON_NAME, f"{organisation} 低保档案内部根证书")])
    now = dt.datetime.now(dt.UTC)
    permitted: list[x509.GeneralName] = []
    for n in names:
        try:
            permitted.append(x509.IPAddress(ipaddress.ip_network(n, strict=False)))  # 192.168.1.0/24 or one address
        except ValueError:
            permitted.append(x509.DNSName(n))  # "lan" permits dibao.lan and every other name under it
    builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
               .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
               .not_valid_after(now + dt.timedelta(days=365 * CA_YEARS))
               .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                            content_commitment=False, key_encipherment=False, data_encipherment=False,
                                            key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False))
    if permitted:
        builder = builder.add_extension(x509.NameConstraints(permitted_subtrees=permitted, excluded_subtrees=None),
                                        critical=True)
    cert = builder.sign(key, hashes.SHA256())
    _write_key(folder / "ca.key", key)
    _write_cert(folder / "ca.crt", cert)
    return folder / "ca.crt"


def issue(ca_folder: Path, names: list[str], out: Path, days: int = SERVER_DAYS) -> Issued:
    """server.crt (with the CA after it) + server.key in `out`, valid for `names` (DNS names and IP addresses)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    if not names:
        raise UserValueError("至少给出一个主机名或IP地址 / give at least one host name or address")
    ca_cert = x509.load_pem_x509_certificate((ca_folder / "ca.crt").read_bytes())
    ca_key = serialization.load_pem_private_key((ca_folder / "ca.key").read_bytes(), password=None)
    key = ec.generate_private_key(ec.SECP256R1())
    dns, ips = _split(names)
    alt: list[x509.GeneralName] = [x509.DNSName(d) for d in dns] + [x509.IPAddress(i) for i in ips]
    now = dt.datetime.now(dt.UTC)
    not_after = now + dt.timedelta(days=days)
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])]))
            .issuer_name(ca_cert.subject).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(not_after)
            .add_extension(x509.SubjectAlternativeName(alt), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_encipherment=False, content_commitment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_cert.public_key()),  # type: ignore[arg-type]
                           critical=False)
            .sign(ca_key, hashes.SHA256()))  # type: ignore[arg-type]
    _write_key(out / "server.key", key)
    _write_cert(out / "server.crt", cert, ca_cert)
    return Issued(out / "server.crt", out / "server.key", not_after)
