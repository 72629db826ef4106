import type { EntityManager } from 'typeorm';
import { PlacementEntity } from './facility.entity.js';

/** Beds taken in each facility (facility_occupancy() counts open placements past row-level security). */
export function findOccupancy(m: EntityManager): Promise<{ facility_id: string; occupied: number }[]> {
  return m.query('SELECT facility_id, occupied FROM facility_occupancy()');
}

/** Locks the facility row for an admission (admissions queue here, so no bed is given twice). */
export async function lockFacilityForAdmission(
  m: EntityManager,
  facilityId: string,
): Promise<{ bed_capacity: number; active: boolean }> {
  const [locked] = await m.query('SELECT bed_capacity, active FROM facility WHERE id = $1 FOR UPDATE', [facilityId]);
  return locked;
}

/** How many people stay in the facility now (open placements). */
export async function countOpenPlacements(m: EntityManager, facilityId: string): Promise<number> {
  const [{ n }] = await m.query(
    'SELECT count(*)::int AS n FROM placement WHERE facility_id = $1 AND discharged_on IS NULL',
    [facilityId],
  );
  return n;
}

/** Ends a stay, if the placement is still at the version the client read. */
export async function dischargePlacement(
  m: EntityManager,
  placementId: string,
  version: number,
  discharge: {
    dischargedOn: string;
    destination: string;
    reason: string;
    destinationProvinceCode: string | null;
    escorted: boolean;
  },
): Promise<void> {
  await m.query(
    `UPDATE placement SET discharged_on = $2, discharge_destination = $3, discharge_reason = $4, destination_province_code = $5, escorted = $6, version = version + 1, updated_at = now()
      WHERE id = $1 AND version = $7`,
    [
      placementId,
      discharge.dischargedOn,
      discharge.destination,
      discharge.reason,
      discharge.destinationProvinceCode,
      discharge.escorted,
      version,
    ],
  );
}

/**
 * The placements of a case, oldest admission first; with `onlyInFacilitiesOf`, only those in
 * that agency's own facilities (what an agency seeing the case through a referral may see).
 */
export function findPlacementsOfCase(
  m: EntityManager,
  caseId: string,
  onlyInFacilitiesOf: string | undefined,
): Promise<PlacementEntity[]> {
  const query = m.getRepository(PlacementEntity).createQueryBuilder('p').where('p.case_id = :caseId', { caseId });
  if (onlyInFacilitiesOf !== undefined)
    query.andWhere('p.facility_id IN (SELECT f.id FROM facility f WHERE f.agency_id = :agencyId)', {
      agencyId: onlyInFacilitiesOf,
    });
  return query.orderBy('p.admitted_on', 'ASC').getMany();
}
