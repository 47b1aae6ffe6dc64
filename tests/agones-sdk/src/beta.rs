//! The beta SDK service's Lists, kept in the GameServer's `status.lists` as Agones keeps them:
//! a List must be declared (here: in a GameServer posted as YAML) before it is used, values are
//! unique, and a List holds at most its capacity (0 to 1000).

use dummy_agones::AgonesServer;
use dummy_agones::sdk::game_server::status::ListStatus;
use tonic::{Request, Response, Status};

use crate::recorder::log;

// The generated server, `s_d_k_server::{SDK, SDKServer}` after the service's name, `SDK`.
include!(concat!(env!("OUT_DIR"), "/agones.dev.sdk.beta.SDK.rs"));

/// A List (the messages below follow the field numbers of Agones' `sdk/beta/beta.proto`).
#[derive(Clone, PartialEq, prost::Message)]
pub struct List {
    /// Its name.
    #[prost(string, tag = "1")]
    pub name: String,
    /// Most values it holds.
    #[prost(int64, tag = "2")]
    pub capacity: i64,
    /// Its values.
    #[prost(string, repeated, tag = "3")]
    pub values: Vec<String>,
}

/// `GetList`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct GetListRequest {
    #[prost(string, tag = "1")]
    pub name: String,
}

/// Which fields of an `UpdateList` apply (`google.protobuf.FieldMask`).
#[derive(Clone, PartialEq, prost::Message)]
pub struct FieldMask {
    #[prost(string, repeated, tag = "1")]
    pub paths: Vec<String>,
}

/// `UpdateList`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct UpdateListRequest {
    #[prost(message, optional, tag = "1")]
    pub list: Option<List>,
    #[prost(message, optional, tag = "2")]
    pub update_mask: Option<FieldMask>,
}

/// `AddListValue`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct AddListValueRequest {
    #[prost(string, tag = "1")]
    pub name: String,
    #[prost(string, tag = "2")]
    pub value: String,
}

/// `RemoveListValue`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct RemoveListValueRequest {
    #[prost(string, tag = "1")]
    pub name: String,
    #[prost(string, tag = "2")]
    pub value: String,
}

/// The Lists of dummy-agones' GameServer.
pub struct Lists {
    agones: AgonesServer,
    /// One change at a time: each reads the GameServer, changes it and writes it back.
    lock: tokio::sync::Mutex<()>,
}

impl Lists {
    pub fn new(agones: AgonesServer) -> Lists {
        Lists {
            agones,
            lock: tokio::sync::Mutex::new(()),
        }
    }

    /// Applies `change` to List `name` and answers the List as it is after.
    async fn change(
        &self,
        name: &str,
        change: impl FnOnce(&mut ListStatus) -> Result<(), Status>,
    ) -> Result<Response<List>, Status> {
        let _one = self.lock.lock().await;
        let mut gs = self.agones.game_server();
        let status = gs.status.get_or_insert_with(Default::default);
        let list = status
            .lists
            .get_mut(name)
            .ok_or_else(|| Status::not_found(format!("no list {name}")))?;
        change(list)?;
        let answer = List {
            name: name.to_owned(),
            capacity: list.capacity,
            values: list.values.clone(),
        };
        self.agones.set_game_server(gs);
        Ok(Response::new(answer))
    }
}

#[tonic::async_trait]
impl s_d_k_server::SDK for Lists {
    async fn get_list(&self, request: Request<GetListRequest>) -> Result<Response<List>, Status> {
        self.change(&request.get_ref().name, |_| Ok(())).await
    }

    async fn update_list(
        &self,
        request: Request<UpdateListRequest>,
    ) -> Result<Response<List>, Status> {
        let request = request.into_inner();
        let list = request
            .list
            .ok_or_else(|| Status::invalid_argument("no list"))?;
        let paths = request.update_mask.map(|m| m.paths).unwrap_or_default();
        log(&format!(
            "list {} update {paths:?} capacity {}",
            list.name, list.capacity
        ));
        self.change(&list.name, |l| {
            if paths.iter().any(|p| p == "capacity") {
                if !(0..=1000).contains(&list.capacity) {
                    return Err(Status::invalid_argument("capacity must be 0 to 1000"));
                }
                l.capacity = list.capacity;
                l.values.truncate(list.capacity as usize);
            }
            if paths.iter().any(|p| p == "values") {
                l.values = list.values.clone();
            }
            Ok(())
        })
        .await
    }

    async fn add_list_value(
        &self,
        request: Request<AddListValueRequest>,
    ) -> Result<Response<List>, Status> {
        let AddListValueRequest { name, value } = request.into_inner();
        log(&format!("list {name} add {value}"));
        self.change(&name, |l| {
            if l.values.contains(&value) {
                return Err(Status::already_exists(format!("{value} is in the list")));
            }
            if l.values.len() as i64 >= l.capacity {
                return Err(Status::out_of_range("the list is full"));
            }
            l.values.push(value);
            Ok(())
        })
        .await
    }

    async fn remove_list_value(
        &self,
        request: Request<RemoveListValueRequest>,
    ) -> Result<Response<List>, Status> {
        let RemoveListValueRequest { name, value } = request.into_inner();
        log(&format!("list {name} remove {value}"));
        self.change(&name, |l| {
            let at = l
                .values
                .iter()
                .position(|v| *v == value)
                .ok_or_else(|| Status::not_found(format!("{value} is not in the list")))?;
            l.values.remove(at);
            Ok(())
        })
        .await
    }
}
