//! The `pyscope` command-line tool.
fn main() {
    let args: Vec<String> = std::env::args().collect();
    let src = std::fs::read_to_string(&args[2]).unwrap();
    match pyscope_compiler::compile(&src, &args[2], pyscope_compiler::Mode::Exec) {
        Ok(code) => print!("{}", pyscope_compiler::dis::disassemble(&code)),
        Err(e) => println!("{e:?}"),
    }
}
