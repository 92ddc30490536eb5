// web-test-runner runs the widget tests with mocha's globals (describe, it, before…).
/// <reference types="mocha" />
