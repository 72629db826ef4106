/** The text at the top of Swagger UI: how to sign in comes before anything else. */
export const API_DESCRIPTION = [
  'Counter-trafficking case management for Lao PDR: victim identification screening, referrals to shelters and the ' +
    'Vientiane Transit Centre, case assistance records, agency role-based access and an audit trail.',
  '',
  '### Sign in',
  '1. Open **sign-in → POST /auth/login** below, press **Try it out**, put your email and password in the body and ' +
    'press **Execute**.',
  '2. Copy the `accessToken` value from the response body (without the quotes).',
  '3. Press **Authorize** (top right), paste the token into *bearer*, press **Authorize**, then **Close**. Every ' +
    'request now carries it, also after reloading this page.',
  '4. First sign-in with a one-time password: only **POST /auth/password** works until you choose your own password. ' +
    'Its answer carries a new `accessToken`: paste that one into **Authorize** (earlier tokens stop working).',
  '',
  'The access token lasts 15 minutes: sign in again (or POST /auth/refresh) when requests answer 401. On a shared ' +
    'computer press **Logout** in the Authorize dialog and POST /auth/logout when you leave.',
  '',
  'Work follows the tags from top to bottom: returns, screening, persons, cases, case records, referrals, ' +
    'facilities. Every route names its permission in `x-permission`; every failure is `application/problem+json` ' +
    'with a stable `code` and the `requestId` to quote to support.',
].join('\n');
