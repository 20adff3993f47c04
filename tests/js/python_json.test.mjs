// The upload lab sends seed 000 §8.1's header as its json.dumps writes it:
// pyJsonString must give, for any file name, the bytes python3 gives.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { pyJsonString } from "../../web/python.js";

test("file names in the upload header are escaped as python3's json.dumps escapes them", () => {
  const names = ["作业a.txt", 'a"b\\c\n\u0001.txt', "😀.txt", "é", "tab\there", "del\u007f", "plain.txt", "\u2028line", "ünïcödé ﬁle.txt"];
  const py = spawnSync("python3", ["-c", "import json, sys\nfor n in json.load(sys.stdin): print(json.dumps({'filename': n, 'filesize': 3}))"], {
    input: JSON.stringify(names),
    encoding: "utf8",
  });
  assert.equal(py.status, 0, py.stderr);
  const want = py.stdout.trimEnd().split("\n");
  assert.deepEqual(
    names.map((n) => `{"filename": ${pyJsonString(n)}, "filesize": 3}`),
    want,
  );
});
