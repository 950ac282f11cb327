//! Who acts, and what they may do: a user's [`Role`], its organisation's [`Membership`] of the
//! alliance, and the [`Actor`] on whose behalf a request runs, with the questions every feature
//! asks of it (may it see all members' data, write, coordinate, administer an organisation?).
//! Below every feature and the web layer: users sign in as actors, organisations have
//! memberships, and each feature decides from these what an actor may see and do.

use serde::{Deserialize, Serialize};

/// What a user may do is decided by its role and its organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    SecretariatAdmin,
    SecretariatStaff,
    MemberAdmin,
    MemberStaff,
    /// Reads everything, writes nothing.
    Auditor,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::SecretariatAdmin,
        Role::SecretariatStaff,
        Role::MemberAdmin,
        Role::MemberStaff,
        Role::Auditor,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::SecretariatAdmin => "secretariat_admin",
            Role::SecretariatStaff => "secretariat_staff",
            Role::MemberAdmin => "member_admin",
            Role::MemberStaff => "member_staff",
            Role::Auditor => "auditor",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Roles that belong to the secretariat organisation (the others to a member).
    pub fn is_secretariat(self) -> bool {
        matches!(
            self,
            Role::SecretariatAdmin | Role::SecretariatStaff | Role::Auditor
        )
    }
}

/// The signed-in user on whose behalf a request runs.
#[derive(Debug, Clone, Serialize)]
pub struct Actor {
    pub user_id: i64,
    pub email: String,
    pub display_name: String,
    pub org_id: i64,
    pub role: Role,
    /// The organisation's standing in the alliance (see [`Membership`]).
    pub membership: Membership,
}

impl Actor {
    /// Sees every organisation's data (secretariat staff and auditors).
    pub fn sees_all(&self) -> bool {
        self.role.is_secretariat()
    }
    pub fn is_secretariat_admin(&self) -> bool {
        self.role == Role::SecretariatAdmin
    }
    /// May run the alliance's coordination work (agreements): secretariat admins and staff.
    pub fn coordinates(&self) -> bool {
        matches!(self.role, Role::SecretariatAdmin | Role::SecretariatStaff)
    }
    /// May manage the users and profile of organisation `org_id`.
    pub fn administers(&self, org_id: i64) -> bool {
        self.role == Role::SecretariatAdmin
            || (self.role == Role::MemberAdmin && self.org_id == org_id && self.active_member())
    }
    /// May see the users of organisation `org_id`: who sees all, and its own admin (also while
    /// suspended: reading its own data is still allowed).
    pub fn sees_users_of(&self, org_id: i64) -> bool {
        self.sees_all() || (self.role == Role::MemberAdmin && self.org_id == org_id)
    }
    /// May change data: every role but the auditor, of an organisation not suspended.
    pub fn can_write(&self) -> bool {
        self.role != Role::Auditor && self.active_member()
    }
    /// Whether the actor's organisation is active (the secretariat always is).
    pub fn active_member(&self) -> bool {
        self.membership == Membership::Active
    }
}

/// Where an organisation stands in the alliance, and what that lets its staff do:
/// - *active*: what their roles allow;
/// - *suspended*: they read their own organisation's data (registrations, assistance, their
///   exports) and write nothing — no import, no assistance, no check against the registry
///   (which reads other members' registrations), no follow-up, no user or profile change;
/// - *left*: they sign in to nothing; their sessions and tokens stop working.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Membership {
    #[default]
    Active,
    Suspended,
    Left,
}

impl Membership {
    /// The membership a stored status names (an unknown one counts as suspended: read only).
    pub fn of_status(status: &str) -> Self {
        match status {
            "active" => Membership::Active,
            "left" => Membership::Left,
            _ => Membership::Suspended,
        }
    }
}
