// Starts npm @firestore-emulator/server on a given host and port (its own start() binds 0.0.0.0 only).
// Usage: node npm-emulator.cjs <dir holding node_modules> <host> <port>
// Prints "listening <host>:<port>" when ready. stdin: a line "reset" clears every document and prints "reset done";
// stdin closing (the test JVM died) stops the emulator.
const path = require("path");
const readline = require("readline");

const [installDir, host, port] = process.argv.slice(2);
const serverPackage = require.resolve("@firestore-emulator/server", { paths: [path.resolve(installDir)] });
const { FirestoreServer } = require(serverPackage);
const { ServerCredentials } = require(require.resolve("@grpc/grpc-js", { paths: [path.dirname(serverPackage)] }));

const emulator = new FirestoreServer();
emulator.server.bindAsync(`${host}:${port}`, ServerCredentials.createInsecure(), (error, boundPort) => {
  if (error) {
    console.error(`cannot bind ${host}:${port}: ${error.message}`);
    process.exit(1);
  }
  console.log(`listening ${host}:${boundPort}`);
});

readline.createInterface({ input: process.stdin }).on("line", (line) => {
  if (line.trim() === "reset") {
    emulator.state.clear();
    console.log("reset done");
  }
}).on("close", () => {
  emulator.stop();
  process.exit(0);
});
