// The demos pass: the workspace is media/demos, the folder `npm start` opens, so a file of every demo's
// name exists in it. Every demo must open (read-only, beside those files) and run.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DEMOS } from '../../src/patterns/demos';
import { demoWorkspaceSuite } from './demoWorkspace';

demoWorkspaceSuite(
  'Open Demo in the folder npm start opens',
  () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'a folder is open');
    assert.equal(path.basename(folder.uri.path), 'demos');
  },
  DEMOS.map((d) => d.id),
);
