rust/core.o: rust/core.rs rust/alloc.rs

rust/libcore.rmeta: rust/core.rs

# env-dep:RUST_MODFILE=test\
# continued
rust/core.rs:
