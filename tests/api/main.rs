mod articles;
mod diffs;
mod health;
mod helpers;
mod home;
