//! The Agones SDK's beta service (Lists) as a tonic server, described here in Rust with its
//! messages in `src/beta.rs`: dummy-agones serves the stable SDK only.

fn main() {
    let method = |name: &str, route: &str, input: &str| {
        tonic_build::manual::Method::builder()
            .name(name)
            .route_name(route)
            .input_type(format!("crate::beta::{input}"))
            .output_type("crate::beta::List")
            .codec_path("tonic::codec::ProstCodec")
            .build()
    };
    let service = tonic_build::manual::Service::builder()
        .name("SDK")
        .package("agones.dev.sdk.beta")
        .method(method("get_list", "GetList", "GetListRequest"))
        .method(method("update_list", "UpdateList", "UpdateListRequest"))
        .method(method(
            "add_list_value",
            "AddListValue",
            "AddListValueRequest",
        ))
        .method(method(
            "remove_list_value",
            "RemoveListValue",
            "RemoveListValueRequest",
        ))
        .build();
    tonic_build::manual::Builder::new()
        .build_client(false)
        .compile(&[service]);
}
