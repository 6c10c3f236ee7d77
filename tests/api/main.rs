mod articles;
mod health;
mod helpers;
mod home;
