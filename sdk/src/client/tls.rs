//! The HTTP client's TLS setup, chosen by the crate's features (see the
//! crate docs' "TLS" section).

use crate::error::ConfigError;

/// Whether this build can speak HTTPS (one of the TLS features is enabled).
pub(crate) const HAS_TLS: bool = cfg!(any(
    feature = "rustls",
    feature = "rustls-platform-verifier",
    feature = "native-tls"
));

/// A `reqwest::ClientBuilder` with the TLS setup of this build's features
/// and redirects turned off, to start from when passing your own client to
/// [`ClientBuilder::http_client`](crate::ClientBuilder::http_client).
///
/// With the `rustls` features, reqwest is built with its own `rustls`
/// feature (the `aws-lc-rs` provider the SDK also uses), so any
/// `reqwest::Client::new()` in the same application keeps working.
///
/// ```no_run
/// # fn main() -> Result<(), trtc_room::Error> {
/// use std::time::Duration;
///
/// let http = trtc_room::http_client_builder()?
///     .pool_max_idle_per_host(8)
///     .connect_timeout(Duration::from_secs(3))
///     .build()
///     .expect("an HTTP client");
/// let client = trtc_room::Client::builder()
///     .sdk_app_id(1400000000)
///     .secret_key("key")
///     .admin("administrator")
///     .region(trtc_room::Region::Singapore)
///     .http_client(http)
///     .build()?;
/// # let _ = client;
/// # Ok(())
/// # }
/// ```
///
/// # Errors
///
/// [`ConfigError::Invalid`] naming `http_client` when the TLS setup cannot
/// be made (with `rustls-platform-verifier`, when the platform's
/// certificate verifier cannot start).
pub fn http_client_builder() -> Result<reqwest::ClientBuilder, ConfigError> {
    let builder = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none());
    #[cfg(feature = "native-tls")]
    let builder = builder.tls_backend_native();
    #[cfg(all(
        any(feature = "rustls", feature = "rustls-platform-verifier"),
        not(feature = "native-tls")
    ))]
    let builder = builder.tls_backend_preconfigured(
        rustls_config().map_err(|e| ConfigError::invalid("http_client", e))?,
    );
    Ok(builder)
}

/// rustls with the `aws-lc-rs` provider (post-quantum key exchange
/// included), verifying with the platform's verifier
/// (`rustls-platform-verifier`) or else the bundled Mozilla roots.
#[cfg(all(
    any(feature = "rustls", feature = "rustls-platform-verifier"),
    not(feature = "native-tls")
))]
fn rustls_config() -> Result<rustls::ClientConfig, String> {
    use std::sync::Arc;

    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("cannot set up TLS: {e}"))?;
    #[cfg(feature = "rustls-platform-verifier")]
    let builder = {
        use rustls_platform_verifier::BuilderVerifierExt as _;
        builder
            .with_platform_verifier()
            .map_err(|e| format!("cannot start the platform's certificate verifier: {e}"))?
    };
    #[cfg(not(feature = "rustls-platform-verifier"))]
    let builder = builder.with_root_certificates(rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    });
    let mut config = builder.with_no_client_auth();
    // The client speaks HTTP/1.1 only.
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Client, Error, RetryPolicy};

    fn client(base: &str) -> Result<Client, Error> {
        Client::builder()
            .sdk_app_id(1_400_000_000)
            .secret_key("key")
            .admin("administrator")
            .base_url(base)
            .retry_policy(RetryPolicy::default().max_attempts(1))
            .build()
    }

    #[test]
    fn the_builder_makes_a_client() {
        http_client_builder().unwrap().build().unwrap();
    }

    /// A TLS handshake with a peer that is no TLS server fails as a
    /// transport error (the TLS setup is complete enough to try).
    #[cfg(any(
        feature = "rustls",
        feature = "rustls-platform-verifier",
        feature = "native-tls"
    ))]
    #[tokio::test]
    async fn https_handshake_failure_is_a_transport_error() {
        use crate::GetRoomInfo;
        use tokio::io::{AsyncReadExt, AsyncWriteExt};

        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move {
            while let Ok((mut peer, _)) = listener.accept().await {
                let mut buf = [0u8; 512];
                let _ = peer.read(&mut buf).await;
                let _ = peer.write_all(b"HTTP/1.1 400 Bad Request\r\n\r\n").await;
            }
        });
        let client = client(&format!("https://127.0.0.1:{port}")).unwrap();
        match client.get_room_info(GetRoomInfo::new("room-1")).await {
            Err(Error::Transport { .. }) => {}
            other => panic!("expected a transport error, got {other:?}"),
        }
    }

    #[cfg(not(any(
        feature = "rustls",
        feature = "rustls-platform-verifier",
        feature = "native-tls"
    )))]
    #[test]
    fn without_tls_https_is_refused() {
        match client("https://127.0.0.1:1") {
            Err(Error::Config(e)) => assert!(e.to_string().contains("rustls"), "{e}"),
            other => panic!("expected a configuration error, got {other:?}"),
        }
        client("http://127.0.0.1:1").unwrap();
    }
}
