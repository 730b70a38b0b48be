// Made the fixture in BcryptjsHash.cs with Node's bcryptjs 2.4.3 (the library the spec's Node stack uses):
//   npm install bcryptjs@2.4.3 && node make-bcryptjs-hash.mjs
import bcrypt from 'bcryptjs';
console.log(bcrypt.hashSync('correct horse battery', 10));
