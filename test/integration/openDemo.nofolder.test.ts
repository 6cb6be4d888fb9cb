// The nofolder pass: a window with no folder open (a user who just installed the extension).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { demoWorkspaceSuite } from './demoWorkspace';

demoWorkspaceSuite('Open Demo with no folder open', () => assert.equal(vscode.workspace.workspaceFolders, undefined), [
  'race-condition',
  'producer-consumer',
  'asyncio-blocking',
]);
