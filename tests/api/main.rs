mod health;
mod helpers;
mod home;
