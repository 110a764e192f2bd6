//! Entry point of the Pyscope page (the wasm `main` bin that Trunk loads).

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(pyscope_web::App);
}
