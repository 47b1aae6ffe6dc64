//! Signed join tokens: with a join secret, a game's own backend decides who plays where and hands
//! the player a token for `/ws?token=…`, which the server checks at the upgrade.
//!
//! A token is a JSON Web Token signed with HS256 (HMAC-SHA256), so that any JWT library, or ten
//! lines of standard library code, can mint one: `base64url(header).base64url(claims).base64url(mac)`
//! with the header `{"alg":"HS256","typ":"JWT"}` and the claims [`JoinClaims`]. Any other
//! algorithm, `none` included, is refused. The MAC is ring's (already the TLS provider), so
//! tokens add no second crypto library.

use std::fmt;
use std::str::FromStr;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::hmac;
use serde::{Deserialize, Serialize};
use tickwire_protocol::MAX_NAME_CHARS;

/// Longest token accepted, in bytes.
pub const MAX_TOKEN_BYTES: usize = 4096;

/// The secret join tokens are signed with. Its `Debug` output never shows it.
#[derive(Clone)]
pub struct JoinSecret(hmac::Key);

impl JoinSecret {
    /// A secret from its bytes; `None` when empty.
    pub fn new(secret: &[u8]) -> Option<JoinSecret> {
        (!secret.is_empty()).then(|| JoinSecret(hmac::Key::new(hmac::HMAC_SHA256, secret)))
    }
}

impl fmt::Debug for JoinSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("JoinSecret(<redacted>)")
    }
}

/// An empty join secret.
#[derive(Debug, thiserror::Error)]
#[error("the join secret must not be empty")]
pub struct EmptySecret;

impl FromStr for JoinSecret {
    type Err = EmptySecret;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        JoinSecret::new(s.as_bytes()).ok_or(EmptySecret)
    }
}

/// Which room a token lets its player into.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawRoom", into = "RawRoom")]
pub enum RoomClaim {
    /// `"any"`: the first room with space, as without tokens.
    Any,
    /// A room number: exactly that room.
    Id(u32),
}

/// A room claim as JSON writes it: a number or the word `"any"`.
#[derive(Clone, Serialize, Deserialize)]
#[serde(untagged)]
enum RawRoom {
    Id(u32),
    Word(String),
}

impl TryFrom<RawRoom> for RoomClaim {
    type Error = &'static str;

    fn try_from(raw: RawRoom) -> Result<Self, Self::Error> {
        match raw {
            RawRoom::Id(id) => Ok(RoomClaim::Id(id)),
            RawRoom::Word(w) if w == "any" => Ok(RoomClaim::Any),
            RawRoom::Word(_) => Err("room must be a room number or \"any\""),
        }
    }
}

impl From<RoomClaim> for RawRoom {
    fn from(room: RoomClaim) -> Self {
        match room {
            RoomClaim::Any => RawRoom::Word("any".into()),
            RoomClaim::Id(id) => RawRoom::Id(id),
        }
    }
}

/// What a join token says. Other claims (`iat`, `iss`, …) are allowed and ignored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinClaims {
    /// The game's own player id.
    pub sub: String,
    /// Display name, used instead of the `Hello`'s.
    pub name: String,
    /// The room to join.
    pub room: RoomClaim,
    /// Expiry in Unix seconds: the token is refused from this second on.
    pub exp: u64,
}

/// Why a join was refused at the upgrade.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TokenRefusal {
    /// No token (401).
    #[error("a join token is required")]
    Missing,
    /// Malformed, badly signed, of another algorithm, or with bad claims (401).
    #[error("invalid join token: {0}")]
    Invalid(&'static str),
    /// Past its `exp` (401).
    #[error("token expired")]
    Expired,
    /// The token's room does not run here (403).
    #[error("no such room: {0}")]
    WrongRoom(u32),
    /// Its `exp` is further away than the server's most token lifetime, in seconds (401).
    #[error("the token lives too long: this server accepts an exp at most {0} s ahead")]
    Lifetime(u64),
}

impl TokenRefusal {
    /// Every `reason` label of `tickwire_tokens_refused_total`.
    pub const LABELS: [&'static str; 5] =
        ["missing", "invalid", "expired", "wrong_room", "lifetime"];

    /// The `reason` label.
    pub fn label(self) -> &'static str {
        match self {
            TokenRefusal::Missing => "missing",
            TokenRefusal::Invalid(_) => "invalid",
            TokenRefusal::Expired => "expired",
            TokenRefusal::WrongRoom(_) => "wrong_room",
            TokenRefusal::Lifetime(_) => "lifetime",
        }
    }

    /// The HTTP status of the refusal: 401 for no valid token, 403 for a room it cannot enter.
    pub fn status(self) -> u16 {
        match self {
            TokenRefusal::WrongRoom(_) => 403,
            _ => 401,
        }
    }
}

/// The JOSE header; only `alg` matters.
#[derive(Deserialize)]
struct Header {
    alg: String,
}

/// Checks `token` against `secret` at `now` (Unix seconds) and returns its claims.
pub fn verify(token: &str, secret: &JoinSecret, now: u64) -> Result<JoinClaims, TokenRefusal> {
    if token.len() > MAX_TOKEN_BYTES {
        return Err(TokenRefusal::Invalid("too long"));
    }
    let mut parts = token.split('.');
    let (Some(header_part), Some(claims_part), Some(mac), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(TokenRefusal::Invalid(
            "not a JWT (three dot-separated parts)",
        ));
    };
    let header: Header =
        decode_json(header_part).ok_or(TokenRefusal::Invalid("malformed header"))?;
    if header.alg != "HS256" {
        return Err(TokenRefusal::Invalid("the algorithm must be HS256"));
    }
    let mac = URL_SAFE_NO_PAD
        .decode(mac)
        .map_err(|_| TokenRefusal::Invalid("malformed signature"))?;
    let signed = &token[..header_part.len() + 1 + claims_part.len()];
    hmac::verify(&secret.0, signed.as_bytes(), &mac)
        .map_err(|_| TokenRefusal::Invalid("bad signature"))?;
    let claims: JoinClaims =
        decode_json(claims_part).ok_or(TokenRefusal::Invalid("malformed claims"))?;
    if claims.name.chars().count() > MAX_NAME_CHARS {
        return Err(TokenRefusal::Invalid("name too long"));
    }
    if now >= claims.exp {
        return Err(TokenRefusal::Expired);
    }
    Ok(claims)
}

/// Signs `claims` with `secret` as an HS256 JWT (what a game backend in Rust, or a test, mints).
pub fn sign(claims: &JoinClaims, secret: &JoinSecret) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    // Serializing strings and numbers cannot fail.
    let claims = URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims).unwrap_or_default());
    let signed = format!("{header}.{claims}");
    let mac = hmac::sign(&secret.0, signed.as_bytes());
    format!("{signed}.{}", URL_SAFE_NO_PAD.encode(mac.as_ref()))
}

/// The subprotocol a client names to carry its join token in `Sec-WebSocket-Protocol` instead
/// of the URL (which proxies and access logs keep): it offers `tickwire.token, <token>` and the
/// server answers with this one.
pub const TOKEN_PROTOCOL: &str = "tickwire.token";

/// The join token a client carries in `Sec-WebSocket-Protocol`, after [`TOKEN_PROTOCOL`].
pub fn token_from_protocol(headers: &hyper::HeaderMap) -> Option<String> {
    let mut offered = headers
        .get_all(hyper::header::SEC_WEBSOCKET_PROTOCOL)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim);
    offered.by_ref().find(|p| *p == TOKEN_PROTOCOL)?;
    offered.next().filter(|t| !t.is_empty()).map(str::to_string)
}

/// Refuses `claims` whose `exp` is more than `max` seconds after `now`.
pub fn check_lifetime(claims: &JoinClaims, now: u64, max: u64) -> Result<(), TokenRefusal> {
    if claims.exp > now.saturating_add(max) {
        return Err(TokenRefusal::Lifetime(max));
    }
    Ok(())
}

/// The `token` parameter of a query string, percent-decoded; `None` when absent or empty.
pub fn token_from_query(query: Option<&str>) -> Option<String> {
    let value = query?
        .split('&')
        .find_map(|pair| pair.strip_prefix("token="))?;
    let token = percent_decode(value)?;
    (!token.is_empty()).then_some(token)
}

/// `%XX` escapes decoded (tokens need none, but a client may escape anyway); `None` when invalid.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn decode_json<T: serde::de::DeserializeOwned>(part: &str) -> Option<T> {
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u64 = 1_700_000_000;

    fn secret() -> JoinSecret {
        JoinSecret::new(b"s3cret").expect("a secret")
    }

    fn claims(room: RoomClaim) -> JoinClaims {
        JoinClaims {
            sub: "player-42".into(),
            name: "Ada".into(),
            room,
            exp: NOW + 60,
        }
    }

    /// A token with a header and claims of the test's own, correctly signed.
    fn raw_token(header: &str, claims: &str) -> String {
        let signed = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header),
            URL_SAFE_NO_PAD.encode(claims)
        );
        let mac = hmac::sign(&secret().0, signed.as_bytes());
        format!("{signed}.{}", URL_SAFE_NO_PAD.encode(mac.as_ref()))
    }

    #[test]
    fn a_signed_token_verifies_until_it_expires() {
        let token = sign(&claims(RoomClaim::Any), &secret());
        assert_eq!(verify(&token, &secret(), NOW), Ok(claims(RoomClaim::Any)));
        assert_eq!(
            verify(&token, &secret(), NOW + 59),
            Ok(claims(RoomClaim::Any))
        );
        assert_eq!(
            verify(&token, &secret(), NOW + 60),
            Err(TokenRefusal::Expired)
        );
    }

    #[test]
    fn another_secret_or_a_changed_claim_is_refused() {
        let token = sign(&claims(RoomClaim::Any), &secret());
        let other = JoinSecret::new(b"other").expect("a secret");
        assert_eq!(
            verify(&token, &other, NOW),
            Err(TokenRefusal::Invalid("bad signature"))
        );
        // Claims of another player under the first token's signature.
        let forged = sign(&claims(RoomClaim::Id(9)), &other);
        let mut parts: Vec<&str> = token.split('.').collect();
        parts[1] = forged.split('.').nth(1).expect("claims");
        assert_eq!(
            verify(&parts.join("."), &secret(), NOW),
            Err(TokenRefusal::Invalid("bad signature"))
        );
    }

    #[test]
    fn malformed_tokens_are_invalid() {
        let good = sign(&claims(RoomClaim::Any), &secret());
        for bad in [
            "",
            "abc",
            "a.b",
            "a.b.c.d",
            "!!.!!.!!",
            &format!("{good}="),
            &format!("{good}.x"),
            &"a".repeat(MAX_TOKEN_BYTES + 1),
        ] {
            assert!(
                matches!(verify(bad, &secret(), NOW), Err(TokenRefusal::Invalid(_))),
                "{bad:?}"
            );
        }
        // Signed, but claims that are not ours: no exp, a room that is neither, a long name.
        for claims in [
            r#"{"sub":"p","name":"n","room":"any"}"#,
            r#"{"sub":"p","name":"n","room":"lobby","exp":1800000000}"#,
            r#"{"sub":"p","name":"n","room":-1,"exp":1800000000}"#,
            &format!(
                r#"{{"sub":"p","name":"{}","room":"any","exp":1800000000}}"#,
                "x".repeat(MAX_NAME_CHARS + 1)
            ),
        ] {
            let token = raw_token(r#"{"alg":"HS256"}"#, claims);
            assert!(
                matches!(
                    verify(&token, &secret(), NOW),
                    Err(TokenRefusal::Invalid(_))
                ),
                "{claims}"
            );
        }
    }

    #[test]
    fn only_hs256_is_accepted() {
        let claims = r#"{"sub":"p","name":"n","room":"any","exp":1800000000}"#;
        for alg in ["none", "HS384", "RS256", "hs256"] {
            let token = raw_token(&format!(r#"{{"alg":"{alg}","typ":"JWT"}}"#), claims);
            assert_eq!(
                verify(&token, &secret(), NOW),
                Err(TokenRefusal::Invalid("the algorithm must be HS256")),
                "{alg}"
            );
        }
        // `none` with an empty signature, as an attacker would send it.
        let unsigned = format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(r#"{"alg":"none"}"#),
            URL_SAFE_NO_PAD.encode(claims)
        );
        assert!(verify(&unsigned, &secret(), NOW).is_err());
        let token = raw_token(r#"{"alg":"HS256","typ":"JWT","kid":"k1"}"#, claims);
        assert!(verify(&token, &secret(), NOW).is_ok());
    }

    #[test]
    fn the_room_is_a_number_or_any() {
        for (json, room) in [
            (r#""any""#, RoomClaim::Any),
            ("7", RoomClaim::Id(7)),
            ("4294967295", RoomClaim::Id(u32::MAX)),
        ] {
            let token = raw_token(
                r#"{"alg":"HS256"}"#,
                &format!(r#"{{"sub":"p","name":"n","room":{json},"exp":1800000000,"iat":1}}"#),
            );
            assert_eq!(verify(&token, &secret(), NOW).map(|c| c.room), Ok(room));
        }
        let token = sign(&claims(RoomClaim::Id(3)), &secret());
        assert_eq!(
            verify(&token, &secret(), NOW).map(|c| c.room),
            Ok(RoomClaim::Id(3))
        );
    }

    #[test]
    fn the_token_is_read_from_the_query() {
        assert_eq!(token_from_query(None), None);
        assert_eq!(token_from_query(Some("a=1")), None);
        assert_eq!(token_from_query(Some("token=")), None);
        assert_eq!(
            token_from_query(Some("a=1&token=x.y.z")).as_deref(),
            Some("x.y.z")
        );
        assert_eq!(
            token_from_query(Some("token=x%2Ey")).as_deref(),
            Some("x.y")
        );
        assert_eq!(token_from_query(Some("token=%zz")), None);
        assert_eq!(token_from_query(Some("xtoken=1")), None);
    }

    #[test]
    fn the_secret_never_shows() {
        let s: JoinSecret = "hunter2".parse().expect("a secret");
        assert!(!format!("{s:?}").contains("hunter2"));
        assert!("".parse::<JoinSecret>().is_err());
    }
}
