/** Real git repositories for PR-mode, staged-mode and Action tests. */
import { execFileSync } from 'node:child_process';

const IDENTITY = {
  GIT_AUTHOR_NAME: 'kblint test',
  GIT_AUTHOR_EMAIL: 'test@kblint.invalid',
  GIT_COMMITTER_NAME: 'kblint test',
  GIT_COMMITTER_EMAIL: 'test@kblint.invalid',
};

/** Runs git in `cwd` with a fixed identity and no user or system config. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'init.defaultBranch=main', '-c', 'commit.gpgsign=false', ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...IDENTITY, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' },
  });
}

/** `git init`, add everything, commit; returns the commit id. */
export function initRepo(cwd: string, message = 'base'): string {
  git(cwd, 'init', '-q');
  return commitAll(cwd, message);
}

export function commitAll(cwd: string, message: string): string {
  git(cwd, 'add', '-A');
  git(cwd, 'commit', '-q', '-m', message);
  return git(cwd, 'rev-parse', 'HEAD').trim();
}
