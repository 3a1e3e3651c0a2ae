"""The purpose-of-use notice (利用目的の通知, APPI Art. 21) shown before enrolment.

The text is versioned: a consent record stores the version, language and SHA-256 of the
exact text the shopper saw, so a later change of wording never rewrites what they agreed to.
A store may replace the texts with ``[plugins.loyalty.purpose]`` (one string per language)
and must then raise ``purpose_version``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

PURPOSE_VERSION = "2026-01"

PURPOSE_TEXTS: dict[str, tuple[str, str]] = {
    "ja": (
        "個人情報の利用目的",
        "ご入力いただく情報(お名前・電話番号・メールアドレス。いずれも任意)は、"
        "ポイントの付与・利用、会員の確認、お問い合わせへの対応のためにのみ利用します。"
        "情報は暗号化して保管し、第三者に提供しません。"
        "退会(利用停止・消去)はいつでも店舗で承ります。",
    ),
    "en": (
        "How we use your personal data",
        "The details you enter (name, phone number, e-mail; all optional) are used only to "
        "give and redeem points, to recognise you as a member and to answer your enquiries. "
        "They are stored encrypted and never given to third parties. You can ask any "
        "staff member to stop using or delete them at any time.",
    ),
    "zh-Hans": (
        "个人信息的使用目的",
        "您输入的信息(姓名、电话号码、电子邮箱,均为选填)仅用于积分的累积与使用、"
        "会员确认以及回复您的咨询。信息经加密保存,不会提供给第三方。"
        "您可随时在店内申请停止使用或删除。",
    ),
    "ko": (
        "개인정보 이용 목적",
        "입력하신 정보(이름, 전화번호, 이메일, 모두 선택 사항)는 포인트 적립·사용, "
        "회원 확인, 문의 응대를 위해서만 이용합니다. 정보는 암호화하여 보관하며 "
        "제3자에게 제공하지 않습니다. 이용 정지 및 삭제는 언제든지 매장에서 요청하실 수 있습니다.",
    ),
}


@dataclass(frozen=True, slots=True)
class PurposeNotice:
    """One text as shown: the consent record refers to it by version and digest."""

    version: str
    language: str
    title: str
    body: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(f"{self.title}\n{self.body}".encode()).hexdigest()


def purpose_notice(
    language: str, overrides: dict[str, str] | None = None, version: str = PURPOSE_VERSION
) -> PurposeNotice:
    """The notice in ``language`` (falls back to Japanese, the store's legal text)."""
    lang = language if language in PURPOSE_TEXTS else "ja"
    title, body = PURPOSE_TEXTS[lang]
    if overrides and overrides.get(lang):
        body = overrides[lang]
    return PurposeNotice(version, lang, title, body)
