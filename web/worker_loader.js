// Starts the recording worker: loads wasm-bindgen's no-modules glue, then its wasm module.
importScripts("./worker.js");
wasm_bindgen({ module_or_path: "./worker_bg.wasm" });
