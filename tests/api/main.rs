mod articles;
mod auth;
mod diffs;
mod events;
mod health;
mod helpers;
mod home;
mod search;
