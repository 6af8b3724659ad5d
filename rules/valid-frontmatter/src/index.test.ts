import path from 'node:path';
import { describeReadmeExamples } from '../../../tests/helpers/readme-examples.js';

describeReadmeExamples(path.resolve(import.meta.dirname, '..'));
