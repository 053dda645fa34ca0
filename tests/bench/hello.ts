// The yardstick of the start-up benchmark: a Deno hello-world, launched the same way.
console.log("Hello, world");
