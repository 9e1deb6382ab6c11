export { PersonalDataModule, PERSONAL_DATA } from './personal-data.module.js';
